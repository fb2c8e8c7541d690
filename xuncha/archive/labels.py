"""Readable names of the archive's audit events, added to ``audit.labels.VERB_LABELS`` when the app loads."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

VERB_LABELS: dict[str, str | Promise] = {
    "archive.round_archived": _("Round archived"),
    "archive.requested": _("Archive file requested"),
    "archive.built": _("Archive file built"),
    "archive.failed": _("Archive file failed"),
}
