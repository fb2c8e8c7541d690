from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "xuncha.archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # The archive's own parts of a file (documents, records, evidence, audit trail) need no registering:
        # ``contributors.contributors`` puts them first, before those of apps that start earlier.
        from xuncha.archive.labels import VERB_LABELS as ARCHIVE_VERBS
        from xuncha.audit.labels import VERB_LABELS

        VERB_LABELS.update(ARCHIVE_VERBS)
