"""The OpenAPI schema and the local Swagger UI: a valid OpenAPI 3 document listing every endpoint with its
error responses, and a docs page that runs under the strict CSP (no inline script) from files served locally."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema

from xuncha.accounts.models import User
from xuncha.conftest import BrowserPage

OPENAPI_JSON = "application/vnd.oai.openapi+json"

ENDPOINTS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/problems/": {"get", "post"},
    "/api/v1/problems/{id}/": {"get", "patch"},
    "/api/v1/problems/{id}/confirm/": {"post"},
    "/api/v1/problems/{id}/discard/": {"post"},
    "/api/v1/problems/{id}/notice/": {"post"},
    "/api/v1/problems/{id}/evidence/": {"post"},
    "/api/v1/suggestions/": {"get", "post"},
    "/api/v1/suggestions/{id}/": {"get"},
    "/api/v1/suggestions/{id}/decide/": {"post"},
    "/api/v1/petitions/": {"get", "post"},
    "/api/v1/petitions/{id}/": {"get"},
    "/api/v1/petitions/{id}/dispose/": {"post"},
    "/api/v1/petitions/{id}/evidence/{evidence_pk}/file/": {"get"},
    "/api/v1/petitions/{id}/reveal/": {"post"},
    "/api/v1/clues/": {"get", "post"},
    "/api/v1/clues/{id}/": {"get"},
    "/api/v1/clues/{id}/transfer/": {"post"},
    "/api/v1/clues/{id}/receive/": {"post"},
    "/api/v1/clues/{id}/dispose/": {"post"},
    "/api/v1/clues/{id}/feedback/": {"post"},
    "/api/v1/problems/{id}/evidence/{evidence_pk}/file/": {"get"},
    "/api/v1/dashboard/{code}/": {"get"},
}


@pytest.fixture
def schema(client: Client, office: User) -> dict[str, Any]:
    client.force_login(office)
    response = client.get("/api/schema/", HTTP_ACCEPT=OPENAPI_JSON)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(OPENAPI_JSON)
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3_with_every_endpoint(schema: dict[str, Any]) -> None:
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    documented = {path: set(operations) - {"parameters"} for path, operations in schema["paths"].items()}
    assert {path: documented.get(path) for path in ENDPOINTS} == ENDPOINTS


def test_every_operation_declares_its_errors(schema: dict[str, Any]) -> None:
    """So that a schema-driven fuzzer (schemathesis) meets no undocumented status code: signed-out requests (401),
    ids out of scope (404), refused actions (403, 409) and invalid bodies (400)."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path == "/api/v1/auth/token/":
                assert codes == {"200", "400"}
                assert "security" not in operation  # no sign-in needed to get a token
                continue
            assert "401" in codes, (method, path)
            if "{id}" in path or method == "get":
                assert "404" in codes, (method, path)
            if method == "post" and not path.endswith(("/reveal/", "/receive/")):
                assert {"400", "403", "409"} <= codes, (method, path)
            if method == "patch":
                assert {"400", "403", "404", "409"} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if code.startswith(("4", "2")) and code != "204":
                    assert "content" in response, (method, path, code)


def test_the_schema_never_offers_the_reporter_or_the_tokens(schema: dict[str, Any]) -> None:
    """The petition a client reads has no name, phone or token field; only ``anonymous``."""
    petition = schema["components"]["schemas"]["Petition"]["properties"]
    assert "anonymous" in petition
    assert not {"name", "phone", "reporter_name_token", "reporter_phone_token"} & set(petition)
    envelope = schema["components"]["schemas"]["ClueEnvelope"]["properties"]
    assert not {"subject", "summary", "feedback"} & set(envelope)


def test_an_edit_must_name_the_version_it_starts_from(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/api/v1/problems/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    edit = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert edit["required"] == ["expected_version"]


def test_the_schema_is_for_signed_in_users(client: Client, office: User) -> None:
    assert client.get("/api/schema/").status_code == 401


def test_the_evidence_upload_is_documented_as_multipart(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/api/v1/problems/{id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(body) == {"multipart/form-data"}


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str | None] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.sources.append(attributes.get("src"))
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")


def test_the_swagger_ui_page_has_no_inline_script(client: Client, office: User) -> None:
    """Under the strict CSP every script of the docs page is a file from this server: Swagger UI from the sidecar
    and the start-up script from the same view (``?script``)."""
    client.force_login(office)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = _Scripts()
    page.feed(response.content.decode())
    assert len(page.sources) == 3
    assert all(page.sources), "an inline <script> without src"
    assert all(src and src.startswith("/") for src in page.sources), "a script from another server"
    assert page.sources[0] == "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert page.stylesheets == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/xuncha/swagger.css",
    ]
    assert not re.search(r"https?://", response.content.decode())

    init_script = page.sources[2]
    assert init_script is not None
    init = client.get(init_script)
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/schema/"' in init.content.decode()


def test_the_swagger_ui_asks_for_sign_in(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_swagger_ui_page_has_no_inline_style(client: Client, office: User) -> None:
    client.force_login(office)
    assert "<style" not in client.get("/api/docs/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_works_under_the_strict_csp(browser_page: BrowserPage, office: User) -> None:
    """In a real browser with the CSP enforced, Swagger UI loads the schema, lists the operations and runs a
    request with the session, and no script is refused (the one violation left is the template's inline style)."""
    page = browser_page.page
    browser_page.login("office")
    browser_page.goto("/api/docs/")
    # Every tag is listed, folded (some thirty of them: unfolded, Swagger UI stops drawing the page).
    page.wait_for_selector(".opblock-tag >> text=work-plans")
    tags = {path.split("/")[3] for path in ENDPOINTS}
    assert page.locator(".opblock-tag").count() >= len(tags)
    page.locator(".opblock-tag >> text=problems").first.click()
    page.wait_for_selector(".opblock-summary-path >> text=/api/v1/problems/{id}/confirm/")

    operation = page.locator("#operations-problems-problems_list")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    browser_page.screenshot("api-docs")

    not_inline_style = [error for error in browser_page.errors if "inline style" not in error]
    assert not_inline_style == []
