from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    verbose_name = _("Inspection rounds")

    def ready(self) -> None:
        from xuncha.accounts.scoping import UNIT_SCOPES
        from xuncha.inspections.scoping import group_units_q

        # Group members see the units their groups inspect, beside what their grants cover.
        UNIT_SCOPES.append(group_units_q)
