from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "xuncha.reporting"
    verbose_name = _("Reports and gates")

    def ready(self) -> None:
        from xuncha.archive.contributors import register_audit_objects, register_contributor
        from xuncha.audit.labels import VERB_LABELS
        from xuncha.rectification.actions.feedback import FEEDBACK_CHECKS
        from xuncha.reporting.archiving import audit_objects, reports, sealed_feedback
        from xuncha.reporting.labels import VERBS
        from xuncha.reporting.queries import feedback_refusal

        VERB_LABELS.update(VERBS)
        if feedback_refusal not in FEEDBACK_CHECKS:
            FEEDBACK_CHECKS.append(feedback_refusal)
        register_contributor(reports)
        register_contributor(sealed_feedback)
        register_audit_objects(audit_objects, sealed=["reporting.separatefeedback"])
