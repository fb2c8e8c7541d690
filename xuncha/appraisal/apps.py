from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "xuncha.appraisal"
    verbose_name = _("Democratic appraisal")

    def ready(self) -> None:
        from xuncha.appraisal.models import EVENT_LABELS
        from xuncha.audit.labels import VERB_LABELS

        # The timelines and the auditor's log name this app's events; kept here so that the audit app needs no edit.
        VERB_LABELS.update(EVENT_LABELS)
