from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "xuncha.archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # The archive's own parts of a file (documents, records, evidence, audit trail) join the registry like any
        # other app's (see ``contributors``).
        from xuncha.archive import contents, contributors
        from xuncha.archive.labels import VERB_LABELS as ARCHIVE_VERBS
        from xuncha.audit.labels import VERB_LABELS

        VERB_LABELS.update(ARCHIVE_VERBS)
        contributors.register_contributor(contents.documents)
        contributors.register_contributor(contents.records)
        contributors.register_contributor(contents.confidential)
        contributors.register_contributor(contents.evidence)
        contributors.register_contributor(contents.audit_trail)
