from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from xuncha.accounts import tokens  # noqa: F401 - connects the sign-out receiver
