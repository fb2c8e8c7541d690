from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverablesConfig(AppConfig):
    name = "xuncha.deliverables"
    verbose_name = _("Rectification deliverables")

    def ready(self) -> None:
        from xuncha.archive.contributors import register_audit_objects, register_contributor
        from xuncha.audit.diff import KEY_LABELS
        from xuncha.audit.labels import VERB_LABELS
        from xuncha.deliverables import hooks
        from xuncha.deliverables.archiving import accepted, audit_objects
        from xuncha.deliverables.labels import KEYS, VERBS
        from xuncha.deliverables.queries import reminders
        from xuncha.rectification.actions.feedback import FEEDBACK_PUBLISHED
        from xuncha.rectification.actions.handoffs import HANDED_OFF
        from xuncha.rectification.queries import REMINDER_SOURCES

        VERB_LABELS.update(VERBS)
        KEY_LABELS.update(KEYS)
        if hooks.feedback_published not in FEEDBACK_PUBLISHED:
            FEEDBACK_PUBLISHED.append(hooks.feedback_published)
        if hooks.item_handed_off not in HANDED_OFF:
            HANDED_OFF.append(hooks.item_handed_off)
        if reminders not in REMINDER_SOURCES:
            REMINDER_SOURCES.append(reminders)
        register_contributor(accepted)
        register_audit_objects(audit_objects)
