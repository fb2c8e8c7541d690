"""The signed-in user's inbox of notifications (the bell in the header)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xuncha.accounts.actions import mark_notifications_read, revoke_tokens
from xuncha.accounts.context_processors import NotificationBell
from xuncha.accounts.models import Notification
from xuncha.core.http import AuthenticatedHttpRequest

NOTIFICATIONS_PER_PAGE = 50
# What the daily reminders (``xuncha remind``) are about: a label and a Bootstrap icon for each kind.
KINDS: dict[str, tuple[str | Promise, str]] = {
    "DUE_SOON": (gettext_lazy("Due soon"), "hourglass-split"),
    "OVERDUE": (gettext_lazy("Overdue"), "exclamation-triangle"),
    "AWAITING_REVIEW": (gettext_lazy("Awaiting your review"), "clipboard-check"),
    "AWAITING_CLOSURE": (gettext_lazy("Awaiting closure"), "check2-square"),
    "RECEIPT_MISSING": (gettext_lazy("Receipt not signed"), "pen"),
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; a new password also revokes the user's API tokens (the token's password stamp
    refuses them anyway, this records it)."""

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        revoke_tokens(form.user, actor=form.user, reason="password_changed")
        return response
