from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "xuncha.planning"
    verbose_name = _("Plans and preparation")

    def ready(self) -> None:
        from xuncha.archive.contributors import register_audit_objects, register_contributor
        from xuncha.audit.labels import VERB_LABELS
        from xuncha.planning.archiving import audit_objects, enquiries, work_plans
        from xuncha.planning.labels import VERB_LABELS as PLANNING_VERBS

        VERB_LABELS.update(PLANNING_VERBS)
        register_contributor(work_plans)
        register_contributor(enquiries)
        register_audit_objects(audit_objects, sealed=["planning.lead"])
