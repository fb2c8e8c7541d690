"""The rectification API in the OpenAPI schema: every endpoint with its methods and error responses, uploads as
multipart, the figures as one object, and a schema that builds without a warning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from xuncha.accounts.models import User

OPENAPI_JSON = "application/vnd.oai.openapi+json"

ENDPOINTS = {
    "/api/v1/lists/": {"get"},
    "/api/v1/lists/{id}/": {"get"},
    "/api/v1/lists/build/": {"post"},
    "/api/v1/lists/common-items/": {"post"},
    "/api/v1/feedback/": {"get", "post"},
    "/api/v1/feedback/{id}/": {"get"},
    "/api/v1/receipts/{id}/sign/": {"post"},
    "/api/v1/items/": {"get"},
    "/api/v1/items/{id}/": {"get"},
    "/api/v1/items/{id}/plan/": {"post"},
    "/api/v1/items/{id}/progress/": {"get", "post"},
    "/api/v1/items/{id}/progress/{progress_pk}/evidence/{evidence_pk}/file/": {"get"},
    "/api/v1/items/{id}/submit/": {"post"},
    "/api/v1/items/{id}/review/": {"post"},
    "/api/v1/items/{id}/return/": {"post"},
    "/api/v1/items/{id}/close/": {"post"},
    "/api/v1/items/{id}/ongoing/": {"post"},
    "/api/v1/items/{id}/reopen/": {"post"},
    "/api/v1/items/{id}/extend/": {"post"},
    "/api/v1/items/{id}/flag/": {"post"},
    "/api/v1/parties/": {"get"},
    "/api/v1/parties/{id}/": {"get"},
    "/api/v1/parties/{id}/sign/": {"post"},
    "/api/v1/parties/{id}/progress/": {"post"},
    "/api/v1/parties/{id}/done/": {"post"},
    "/api/v1/visits/": {"get", "post"},
    "/api/v1/visits/{id}/": {"get"},
    "/api/v1/visits/{id}/record/": {"post"},
    "/api/v1/visits/{id}/checks/{check_pk}/evidence/{evidence_pk}/file/": {"get"},
    "/api/v1/figures/": {"get"},
}


@pytest.fixture
def schema(client: Client, office: User) -> dict[str, Any]:
    client.force_login(office)
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    return json.loads(response.content)


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    component: dict[str, Any] = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return component


def test_every_rectification_endpoint_is_documented(schema: dict[str, Any]) -> None:
    documented = {path: set(operations) - {"parameters"} for path, operations in schema["paths"].items()}
    assert {path: documented.get(path) for path in ENDPOINTS} == ENDPOINTS


def test_every_rectification_operation_declares_its_errors(schema: dict[str, Any]) -> None:
    """Signed-out requests (401), ids or pages out of scope (404), refused actions (403, 409), invalid bodies
    and filters (400): each documented with a body."""
    for path, methods in ENDPOINTS.items():
        for method in methods:
            operation = schema["paths"][path][method]
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if "{id}" in path or method == "get":
                assert "404" in codes, (method, path)
            if method == "post":
                assert {"400", "403", "409"} <= codes, (method, path)
            if method == "get" and "{id}" not in path:
                assert "400" in codes, (method, path)  # a filter value out of scope
            assert operation["description"], (method, path)
            for code, response in operation["responses"].items():
                assert "content" in response, (method, path, code)


def test_evidence_goes_up_as_multipart(schema: dict[str, Any]) -> None:
    for path in (
        "/api/v1/items/{id}/progress/",
        "/api/v1/items/{id}/submit/",
        "/api/v1/parties/{id}/progress/",
        "/api/v1/parties/{id}/done/",
    ):
        body = schema["paths"][path]["post"]["requestBody"]["content"]
        assert set(body) == {"multipart/form-data"}, path
        files = _component(schema, body["multipart/form-data"]["schema"]["$ref"])["properties"]["files"]
        assert files["type"] == "array"
        assert files["items"]["format"] == "binary"


def test_the_progress_history_is_a_plain_list(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/items/{id}/progress/"]["get"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response["type"] == "array"
    assert response["items"]["$ref"].endswith("/Progress")
    assert [parameter["name"] for parameter in operation["parameters"]] == ["id"]


def test_the_figures_are_one_object_with_their_filters(schema: dict[str, Any]) -> None:
    operation = schema["paths"]["/api/v1/figures/"]["get"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    figures = _component(schema, response["$ref"])
    assert {"ledger_items", "closed", "ongoing", "overdue", "completion_rate"} <= set(figures["properties"])
    assert figures["properties"]["completion_rate"]["type"] == "number"
    assert {parameter["name"] for parameter in operation["parameters"]} == {"round", "township", "village"}


def test_the_item_filters_are_documented(schema: dict[str, Any]) -> None:
    parameters = {parameter["name"] for parameter in schema["paths"]["/api/v1/items/"]["get"]["parameters"]}
    assert {"round", "village", "township", "status", "fix_type", "light", "page"} <= parameters


def test_a_review_says_what_it_expects(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/api/v1/items/{id}/review/"]["post"]["requestBody"]["content"]["application/json"]
    review = _component(schema, body["schema"]["$ref"])
    assert review["required"] == ["approve"]
    assert "expected_status" in review["properties"]


def test_an_item_shows_its_light_and_what_the_reader_may_do(schema: dict[str, Any]) -> None:
    item = schema["components"]["schemas"]["LedgerItem"]["properties"]
    assert {"light", "may", "status", "deadline", "village", "township"} <= set(item)
    assert schema["components"]["schemas"]["LightEnum"]["enum"] == ["GREEN", "YELLOW", "RED", "DONE"]


def test_the_schema_builds_without_warnings(tmp_path: Path) -> None:
    """No enum named twice, no field the generator had to guess (``--fail-on-warn``)."""
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
