from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    verbose_name = _("Inspection rounds")

    def ready(self) -> None:
        from xuncha.accounts.scoping import ROLE_SOURCES, UNIT_SCOPES
        from xuncha.inspections.scoping import group_roles, group_units_q

        # Group members see the units their groups inspect, beside what their grants cover; a group's leader holds
        # the group leader's role (two-factor sign-in asks for it).
        UNIT_SCOPES.append(group_units_q)
        ROLE_SOURCES.append(group_roles)
