from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "xuncha.appraisal"
    verbose_name = _("Democratic appraisal")

    def ready(self) -> None:
        from xuncha.appraisal.archiving import audit_objects, tallies
        from xuncha.appraisal.models import EVENT_KEY_LABELS, EVENT_LABELS
        from xuncha.archive.contributors import register_audit_objects, register_contributor
        from xuncha.audit.diff import KEY_CHOICES, KEY_LABELS
        from xuncha.audit.labels import VERB_LABELS

        # The timelines and the auditor's log name this app's events and the figures they record; kept here so that
        # the audit app needs no edit.
        VERB_LABELS.update(EVENT_LABELS)
        KEY_LABELS.update(EVENT_KEY_LABELS)
        KEY_CHOICES["respondent_kind"] = ("appraisal.appraisalform", "respondent_kind")
        register_contributor(tallies)
        register_audit_objects(audit_objects)
