from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xuncha.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from xuncha.core import checks  # noqa: F401 - registers the deployment checks
        from xuncha.core.middleware import stamp_activity

        user_logged_in.connect(stamp_activity, dispatch_uid="xuncha.core.stamp_activity")
