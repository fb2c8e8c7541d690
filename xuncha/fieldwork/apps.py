from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "xuncha.fieldwork"
    verbose_name = _("Learning on site")

    def ready(self) -> None:
        from xuncha.archive.contributors import register_audit_objects, register_contributor
        from xuncha.audit.labels import VERB_LABELS
        from xuncha.fieldwork.archiving import SEALED_TYPES, audit_objects, sealed_records
        from xuncha.fieldwork.labels import VERB_LABELS as FIELDWORK_VERBS

        VERB_LABELS.update(FIELDWORK_VERBS)
        register_contributor(sealed_records)
        register_audit_objects(audit_objects, sealed=SEALED_TYPES)
