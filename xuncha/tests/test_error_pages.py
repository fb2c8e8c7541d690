"""Error pages (400, 403, 404, 429, 500, CSRF failure): Chinese, in the app's frame, with a way back; JSON under
/api/. Every test runs with DEBUG off, as in production, where Django's handlers are used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from xuncha.accounts.tests.factories import TEST_PASSWORD
from xuncha.core import errors
from xuncha.urls import urlpatterns as project_urlpatterns

if TYPE_CHECKING:
    from xuncha.accounts.models import User

HOME_LINK = "返回首页"
BACK_LINK = "返回上一页"


def _raise_permission_denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _raise_not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("No such thing.")


def _raise_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


# The project's URLs plus three views that fail, so that the handlers run as Django calls them.
urlpatterns = [
    path("test-errors/forbidden/", _raise_permission_denied),
    path("test-errors/missing/", _raise_not_found),
    path("test-errors/broken/", _raise_error),
    path("api/test-errors/broken/", _raise_error),
    *project_urlpatterns,
]
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error


@pytest.fixture(autouse=True)
def _production_chinese(settings: Any) -> None:
    settings.DEBUG = False
    settings.LANGUAGE_CODE = "zh-hans"
    settings.ROOT_URLCONF = __name__


def _assert_error_page(html: str, *texts: str) -> None:
    assert '<html lang="zh-hans">' in html
    assert HOME_LINK in html
    assert BACK_LINK in html
    for text in texts:
        assert text in html


def test_the_project_names_its_handlers() -> None:
    """The project's URL configuration points Django at these handlers, not its bare English ones."""
    from xuncha import urls

    assert urls.handler400 == "xuncha.core.errors.bad_request"
    assert urls.handler403 == "xuncha.core.errors.permission_denied"
    assert urls.handler404 == "xuncha.core.errors.page_not_found"
    assert urls.handler500 == "xuncha.core.errors.server_error"


def test_404_for_a_signed_in_user_is_in_the_frame(client: Client, office: User) -> None:
    """A missing page keeps the left navigation and the breadcrumbs, explains in Chinese and offers two ways back."""
    client.force_login(office)
    response = client.get("/no-such-page/", headers={"referer": "http://testserver/rounds/"})
    assert response.status_code == 404
    html = response.content.decode()
    _assert_error_page(html, "页面不存在", "所在位置", "xc-sidebar")
    assert 'href="http://testserver/rounds/" data-xc-back' in html


def test_404_raised_by_a_view_uses_the_page(client: Client, office: User) -> None:
    """An ``Http404`` raised by a view renders the same page; its developer message is not shown."""
    client.force_login(office)
    response = client.get("/test-errors/missing/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_error_page(html, "页面不存在")
    assert "No such thing." not in html


def test_404_for_an_anonymous_visitor_offers_to_sign_in(client: Client, db: None) -> None:
    """A visitor who is not signed in gets the page without navigation, and a link to sign in."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    _assert_error_page(html, "页面不存在", "/accounts/login/?next=/no-such-page/")
    assert "xc-sidebar" not in html


def test_a_foreign_referer_is_not_offered_as_the_way_back(client: Client, office: User) -> None:
    """The back link never points to another site."""
    client.force_login(office)
    html = client.get("/no-such-page/", headers={"referer": "http://evil.example/"}).content.decode()
    assert "evil.example" not in html


def test_403_for_a_signed_in_user(client: Client, office: User) -> None:
    """``PermissionDenied`` raised by a view renders the frame and tells the user whom to ask."""
    client.force_login(office)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "无权访问", "安全管理员", "xc-sidebar")


def test_403_from_a_real_view(client: Client, nobody: User) -> None:
    """The dashboard refuses an account without a unit with the Chinese page."""
    client.force_login(nobody)
    response = client.get("/dashboard/")
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "无权访问")


def test_403_for_an_anonymous_visitor(client: Client, db: None) -> None:
    """A visitor who is not signed in is told to sign in."""
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "请先登录", "/accounts/login/")


def test_400_page(db: None, office: User) -> None:
    """A bad request answers the Chinese page with the way back."""
    request = RequestFactory().get("/somewhere/")
    request.user = office
    response = errors.bad_request(request, Exception("bad"))
    assert response.status_code == 400
    _assert_error_page(response.content.decode(), "请求无法处理")


def test_400_for_an_unknown_host(client: Client, db: None) -> None:
    """A request for a host the site does not serve gets the page too (the host itself is never trusted)."""
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    _assert_error_page(response.content.decode(), "请求无法处理")


def test_500_renders_without_the_database(rf: RequestFactory) -> None:
    """The 500 page reads nothing from the database (this test has no database access at all) and needs no user."""
    request = rf.get("/rounds/")
    response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    _assert_error_page(html, "系统出错")
    assert "xc-sidebar" not in html


def test_500_through_the_handler(db: None, office: User) -> None:
    """An exception in a view answers the Chinese 500 page, not Django's English one."""
    client = Client(raise_request_exception=False)
    client.force_login(office)
    response = client.get("/test-errors/broken/")
    assert response.status_code == 500
    _assert_error_page(response.content.decode(), "系统出错")


def test_500_falls_back_when_the_template_fails(rf: RequestFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even when the template cannot be rendered, the handler answers a fixed Chinese page instead of raising."""

    def broken(name: str) -> None:
        raise RuntimeError("no templates")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统暂时出错" in html
    assert HOME_LINK in html


def test_the_api_keeps_json_errors(db: None, office: User) -> None:
    """Under /api/ a 404 and a 500 stay JSON."""
    client = Client(raise_request_exception=False)
    client.force_login(office)
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    broken = client.get("/api/test-errors/broken/")
    assert broken.status_code == 500
    assert broken["Content-Type"] == "application/json"
    assert "detail" in broken.json()


def test_csrf_failure_page(db: None, office: User) -> None:
    """A form sent without its security token answers the Chinese page, which says nothing was saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "表单未能提交", "未保存任何内容")


def test_csrf_failure_on_the_sign_in_form(db: None) -> None:
    """An expired sign-in form (anonymous) answers the same page, with a link to sign in again."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    _assert_error_page(response.content.decode(), "表单未能提交", "/accounts/login/")


def test_429_for_a_locked_account(client: Client, office: User) -> None:
    """A locked account is told so in Chinese, in the frame, with the way back."""
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": office.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": office.username, "password": TEST_PASSWORD})
    assert response.status_code == 429
    _assert_error_page(response.content.decode(), "登录失败次数过多")


def test_429_page(db: None, office: User) -> None:
    """The generic 429 page for the signed-in pages' limits."""
    request = RequestFactory().get("/somewhere/")
    request.user = office
    response = errors.too_many_requests(request)
    assert response.status_code == 429
    _assert_error_page(response.content.decode(), "请求过于频繁")


def test_the_anonymous_user_has_no_navigation(db: None) -> None:
    """Rendering for an anonymous request needs no signed-in user."""
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = errors.page_not_found(request, Http404())
    assert response.status_code == 404
    assert "xc-sidebar" not in response.content.decode()
