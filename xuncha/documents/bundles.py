"""A round's feedback documents (巡察反馈意见, one per village fed back) as one .zip: what goes in it, where the
built .zip lies and what it is called. ``actions.request_bundle`` queues one and the worker builds it
(``actions.build_bundle``); ``Bundle.objects.visible_to`` says who may fetch it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from xuncha.documents.models import Bundle
from xuncha.rectification.models import Feedback

if TYPE_CHECKING:
    from xuncha.inspections.models import Round

BUNDLE_DIR = "bundles"


def bundle_feedbacks(round_: Round) -> list[Feedback]:
    """The published feedback of the round, one per village in the order of the villages' codes, with everything
    their documents read (a fixed number of queries for the whole round)."""
    from xuncha.documents.builders import feedback as feedback_document

    return list(feedback_document.for_documents(Feedback.objects.filter(round=round_).order_by("village__code")))


def bundle_path(bundle: Bundle) -> Path | None:
    """Where a finished bundle's .zip lies (None if it is not finished or the file has gone)."""
    if bundle.status != Bundle.Status.DONE or not bundle.file:
        return None
    path = Path(settings.MEDIA_ROOT) / bundle.file
    return path if path.is_file() else None


def bundle_name(bundle: Bundle) -> str:
    return f"{bundle.round}巡察反馈意见.zip"
