"""What the loaded demo shows of the archive (called by ``xuncha/tests/test_demo.py``, which loads the demo once)."""

from __future__ import annotations

import json
import zipfile
from datetime import date

from django.utils import timezone

from xuncha.archive.actions import archive_path
from xuncha.archive.building import MANIFEST, verify
from xuncha.archive.models import Archive
from xuncha.demo import archive_story
from xuncha.inspections.models import Round


def check_archive_demo() -> None:
    """Round 1 is filed early in 2023; group 3's file is built and verifies, the others wait for the worker."""
    round_ = Round.objects.get(number=1)
    assert round_.archived_at is not None
    assert date(2022, 6, 1) < timezone.localdate(round_.archived_at) < date(2024, 1, 1)
    statuses = dict(Archive.objects.filter(round=round_).values_list("assignment__group__number", "status"))
    assert statuses == {1: Archive.Status.BUILDING, 2: Archive.Status.BUILDING, 3: Archive.Status.READY}
    built = Archive.objects.get(round=round_, assignment__group__number=archive_story.BUILT_GROUP)
    path = archive_path(built)
    assert path is not None
    assert verify(path) == []
    with zipfile.ZipFile(path) as opened:
        manifest = json.loads(opened.read(MANIFEST))
    assert manifest["built_by"] == "system"
    assert manifest["handed_in"][0]["title"] == "问题线索"
    assert len(manifest["members"]) > 50
    assert not Round.objects.exclude(number=1).filter(archived_at__isnull=False).exists()
