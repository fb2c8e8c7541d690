from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from xuncha.accounts import (
            signals,  # noqa: F401 - connects the sign-in signals to the audit trail
            tokens,  # noqa: F401 - connects the sign-out receiver
        )
        from xuncha.accounts.models import Role

        unknown = sorted(set(settings.XUNCHA_2FA_ROLES) - set(Role.values))
        if unknown:
            raise ImproperlyConfigured(
                f"XUNCHA_2FA_ROLES names no such role: {', '.join(unknown)} (roles: {', '.join(Role.values)})."
            )
