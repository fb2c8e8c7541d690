from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "xuncha.rectification"
    verbose_name = _("Lists and rectification")
