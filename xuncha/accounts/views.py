"""The signed-in user's own pages (the inbox of notifications, the password change, two-factor sign-in: the code
page and enrolment of an authenticator app) and the pages of the three administrators of 三员分立: the system
administrator's accounts, the security administrator's grants, credentials and two-factor resets, the auditor's
logs."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from xuncha.accounts import actions
from xuncha.accounts.actions import (
    change_password,
    enrol_two_factor,
    mark_notifications_read,
    reset_two_factor,
    verify_two_factor,
)
from xuncha.accounts.context_processors import NotificationBell
from xuncha.accounts.forms import AccountForm, GrantForm, TwoFactorCodeForm
from xuncha.accounts.lockout import locked_usernames
from xuncha.accounts.models import Notification, Role, RoleGrant, User
from xuncha.accounts.permissions import (
    can_disable_user,
    can_enrol_two_factor,
    can_grant_roles,
    can_manage_accounts,
    can_read_audit_log,
    can_reset_credentials,
    can_reset_two_factor,
    needs_two_factor,
)
from xuncha.accounts.scoping import prime_grants
from xuncha.accounts.two_factor import (
    base32_secret,
    enrolment_url,
    has_two_factor,
    key_is_valid,
    new_totp_key,
    qr_code_svg,
    recovery_codes_left,
)
from xuncha.core.exceptions import ActionRefused
from xuncha.core.http import AuthenticatedHttpRequest, refusal, refuse_form, run_action

NOTIFICATIONS_PER_PAGE = 50
ACCOUNTS_PER_PAGE = 50
# What the daily reminders (``xuncha remind``) are about: a label and a Bootstrap icon for each kind.
KINDS: dict[str, tuple[str | Promise, str]] = {
    "DUE_SOON": (gettext_lazy("Due soon"), "hourglass-split"),
    "OVERDUE": (gettext_lazy("Overdue"), "exclamation-triangle"),
    "AWAITING_REVIEW": (gettext_lazy("Awaiting your review"), "clipboard-check"),
    "AWAITING_CLOSURE": (gettext_lazy("Awaiting closure"), "check2-square"),
    "RECEIPT_MISSING": (gettext_lazy("Receipt not signed"), "pen"),
    # Hand-offs, told at once (``accounts.notify``).
    "FEEDBACK_PUBLISHED": (gettext_lazy("Lists fed back"), "send"),
    "RETURNED": (gettext_lazy("Returned to you"), "arrow-return-left"),
    "CLOSED": (gettext_lazy("Item closed"), "check2-circle"),
    "VISIT_PLANNED": (gettext_lazy("Return visit planned"), "calendar-check"),
    "PETITION": (gettext_lazy("New petition"), "envelope"),
    "CLUE_TRANSFERRED": (gettext_lazy("Clue transferred"), "shield-lock"),
    "HANDED_OFF": (gettext_lazy("Item handed to your department"), "box-arrow-in-right"),
    "PARTY_DONE": (gettext_lazy("A department's part done"), "check2-all"),
    "RESIDENTS_OBJECT": (gettext_lazy("Residents say not fixed"), "megaphone"),
    "EXTENSION_ASKED": (gettext_lazy("Request for more time"), "calendar-plus"),
    "EXTENSION_AWAITING_DECISION": (gettext_lazy("More time awaits your decision"), "calendar-range"),
    "EXTENSION_DECIDED": (gettext_lazy("Request for more time decided"), "calendar-check"),
    "CLUE_UNDISPOSED": (gettext_lazy("Clue without a reported disposal"), "hourglass-bottom"),
}


def _is_local(request: AuthenticatedHttpRequest, url: str) -> bool:
    """Only links within this site are followed or shown as links (a notification's link is a path)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications, unread first, newest first within each."""
    notifications = (
        Notification.objects.filter(user=request.user)
        .alias(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-pk")
    )
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        label, icon = KINDS.get(notification.kind, (notification.kind, "bell"))
        notification.link = notification.url if _is_local(request, notification.url) else ""  # type: ignore[attr-defined]
        notification.kind_label, notification.icon = label, icon  # type: ignore[attr-defined]
    context = {
        "page_obj": page,
        "notifications": page.object_list,
        # The header's bell and this page share one count (and the page works before the bell is configured).
        "notification_bell": NotificationBell(request.user.pk),
    }
    return render(request, "accounts/notifications.html", context)


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of the user's notifications read; then follow ``next`` when it is a
    page of this site (opening a notification marks it read), else back to the inbox."""
    one = request.POST.get("id", "")
    if one and not one.isdigit():
        raise Http404
    marked = mark_notifications_read(request.user, ids=[int(one)] if one else None, actor=request.user)
    following = request.POST.get("next", "")
    if _is_local(request, following):
        return redirect(following)
    if not one and marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("accounts:notification-list")


# The secret of an app being enrolled waits in the session until a code confirms it; no device row exists before.
ENROLMENT_KEY = "xuncha_two_factor_key"
# Fewer recovery codes than this left after one is used: the user is told to ask for a reset in time.
RECOVERY_CODES_LOW = 3


def _next_url(request: AuthenticatedHttpRequest) -> str:
    """Where to go once the sign-in is confirmed: ``next`` when it is a page of this site, else home."""
    following = request.POST.get("next") or request.GET.get("next", "")
    return following if _is_local(request, following) else reverse(settings.LOGIN_REDIRECT_URL)


def _is_verified(request: AuthenticatedHttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the code of the authenticator app, or a recovery code, confirms the sign-in."""
    user = request.user
    if _is_verified(request) or not needs_two_factor(user):
        return redirect(_next_url(request))
    if not has_two_factor(user):
        return redirect(reverse("accounts:two-factor-enrol") + "?" + urlencode({"next": _next_url(request)}))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = verify_two_factor(user, code=form.cleaned_data["code"], actor=user)
        if check.device is not None:
            request.session.cycle_key()
            otp_login(request, check.device)
            if isinstance(check.device, StaticDevice) and recovery_codes_left(user) < RECOVERY_CODES_LOW:
                messages.warning(
                    request,
                    _("Only %(count)s recovery codes are left: ask the security administrator for a reset in time.")
                    % {"count": recovery_codes_left(user)},
                )
            return redirect(_next_url(request))
        if check.throttled:
            form.add_error("code", _("Too many wrong codes in a row: wait a moment, then try again."))
        else:
            form.add_error("code", _("This code is not right. Check the time of your phone, or use a recovery code."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def two_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with a code, then note the
    recovery codes, which are shown this once."""
    user = request.user
    if has_two_factor(user):
        return redirect(reverse("accounts:two-factor-verify") + "?" + urlencode({"next": _next_url(request)}))
    if not can_enrol_two_factor(user, user):
        return redirect(_next_url(request))
    key = request.session.get(ENROLMENT_KEY, "")
    if not key_is_valid(key):
        key = request.session[ENROLMENT_KEY] = new_totp_key()
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrol_two_factor(user, key=key, code=form.cleaned_data["code"], actor=user)
        except ActionRefused as exc:
            refusal(request, exc)
            return redirect("accounts:two-factor-enrol")
        if enrolment is not None:
            del request.session[ENROLMENT_KEY]
            request.session.cycle_key()
            otp_login(request, enrolment.device)
            shown = {"codes": enrolment.recovery_codes, "next": _next_url(request)}
            return render(request, "accounts/two_factor_recovery_codes.html", shown)
        form.add_error("code", _("This code is not right. Check the time of your phone and scan the code again."))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": qr_code_svg(enrolment_url(user, key), _("QR code for your authenticator app")),
        "secret": base32_secret(key),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@sensitive_post_parameters()
@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user chooses a new password (the old one proves it is them). Users whose credentials were reset, or
    administrators whose password expired, are sent here by ``PasswordChangeRequiredMiddleware`` until they do."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(request.user, form.cleaned_data["new_password1"], actor=request.user)
        except ActionRefused as exc:
            refusal(request, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


def _accounts_page(request: AuthenticatedHttpRequest) -> tuple[Page[User], str]:
    """The accounts of the administrators' lists, searched by user name or name, 50 a page."""
    query = request.GET.get("q", "").strip()
    rows = User.objects.visible_to(request.user).order_by("username")
    if query:
        rows = rows.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    return Paginator(rows, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page")), query


@login_required
def system_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The system administrator's page: every account, with create and disable; links to units and master data."""
    if not can_manage_accounts(request.user):
        raise Http404
    page, query = _accounts_page(request)
    accounts = list(page.object_list)
    prime_grants(accounts)
    for account in accounts:
        account.may_disable = can_disable_user(request.user, account)  # type: ignore[attr-defined]
    context = {"page_obj": page, "accounts": accounts, "q": query, "form": AccountForm()}
    return render(request, "accounts/system_admin.html", context)


@login_required
@require_POST
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccountForm(request.POST)
    if not form.is_valid():
        refuse_form(request, form)
        return redirect("accounts:system")
    data = form.cleaned_data
    run_action(
        request,
        lambda: actions.create_user(
            data["username"], display_name=data["display_name"], title=data["title"], password=None, actor=request.user
        ),
        _("The account %(username)s is created; the security administrator issues its password.")
        % {"username": data["username"]},
    )
    return redirect("accounts:system")


@login_required
@require_POST
def account_disable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    run_action(request, lambda: actions.disable_user(account, actor=request.user), _("The account is disabled."))
    return redirect("accounts:system")


@login_required
@require_POST
def account_enable(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    run_action(request, lambda: actions.enable_user(account, actor=request.user), _("The account is enabled."))
    return redirect("accounts:system")


@login_required
def security_admin(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The security administrator's page: each account's grants with grant and revoke, credential resets, and the
    accounts locked out after failed sign-ins, with unlock."""
    if not can_grant_roles(request.user):
        raise Http404
    page, query = _accounts_page(request)
    accounts = list(page.object_list)
    grants: dict[int, list[RoleGrant]] = {account.pk: [] for account in accounts}
    for grant in RoleGrant.objects.visible_to(request.user).filter(user__in=accounts).select_related("unit"):
        grants[grant.user_id].append(grant)
    for account in accounts:
        account.role_grants = grants[account.pk]  # type: ignore[attr-defined]
        account.may_reset = can_reset_credentials(request.user, account)  # type: ignore[attr-defined]
        account.may_reset_two_factor = can_reset_two_factor(request.user, account)  # type: ignore[attr-defined]
    visible = User.objects.visible_to(request.user)
    locked = list(visible.filter(username__in=locked_usernames()).order_by("username"))
    context = {
        "page_obj": page,
        "accounts": accounts,
        "q": query,
        "locked": locked,
        "form": GrantForm(users=visible.filter(is_active=True)),
    }
    return render(request, "accounts/security_admin.html", context)


@login_required
@require_POST
def grant_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GrantForm(request.POST, users=User.objects.visible_to(request.user))
    if not form.is_valid():
        refuse_form(request, form)
        return redirect("accounts:security")
    data = form.cleaned_data
    run_action(
        request,
        lambda: actions.grant_role(
            data["user"],
            Role(data["role"]),
            data["unit_code"],
            actor=request.user,
            includes_descendants=data["includes_descendants"],
        ),
        _("The role is granted."),
    )
    return redirect("accounts:security")


@login_required
@require_POST
def grant_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(RoleGrant.objects.visible_to(request.user).select_related("user", "unit"), pk=pk)
    run_action(request, lambda: actions.revoke_role(grant, actor=request.user), _("The role is revoked."))
    return redirect("accounts:security")


@never_cache
@login_required
def two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The security administrator removes a user's lost device; the user enrols again at the next sign-in.
    ``next`` (a page of this site) is where to return afterwards."""
    owner = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if not can_reset_two_factor(request.user, owner):
        raise PermissionDenied
    if request.method == "POST":
        done = run_action(
            request,
            lambda: reset_two_factor(owner, actor=request.user),
            _("The two-factor device of %(user)s is reset: they enrol a new one at their next sign-in.")
            % {"user": owner},
        )
        following = request.POST.get("next", "")
        if done and _is_local(request, following):
            return redirect(following)
        return redirect("accounts:two-factor-reset", pk=owner.pk)
    context = {
        "owner": owner,
        "enrolled": has_two_factor(owner),
        "codes_left": recovery_codes_left(owner),
        "next": request.GET.get("next", "") if _is_local(request, request.GET.get("next", "")) else "",
    }
    return render(request, "accounts/two_factor_reset.html", context)


@never_cache
@login_required
@require_POST
def credentials_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reset an account's password and show the temporary one on this response only (never in a message or a
    redirect, which would keep it in the session)."""
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    try:
        temporary = actions.reset_credentials(account, actor=request.user)
    except ActionRefused as exc:
        refusal(request, exc)
        return redirect("accounts:security")
    return render(request, "accounts/credentials_reset.html", {"account": account, "temporary": temporary})


@login_required
@require_POST
def account_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    run_action(request, lambda: actions.unlock_account(account, actor=request.user), _("The account is unlocked."))
    return redirect("accounts:security")


@login_required
def auditor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The auditor's page: where the audit log and the log of sensitive reads are."""
    if not can_read_audit_log(request.user):
        raise Http404
    return render(request, "accounts/auditor.html")
