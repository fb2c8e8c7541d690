from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "xuncha.outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from xuncha.archive.contributors import register_audit_objects
        from xuncha.audit.labels import VERB_LABELS
        from xuncha.outcomes.archiving import audit_objects
        from xuncha.outcomes.labels import VERBS

        VERB_LABELS.update(VERBS)
        register_audit_objects(audit_objects)
