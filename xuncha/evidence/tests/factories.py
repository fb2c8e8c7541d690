from __future__ import annotations

import factory

from xuncha.evidence.models import Evidence


class EvidenceFactory(factory.django.DjangoModelFactory[Evidence]):
    """An evidence row without a file behind it (for scoping); its owner adds it to its ``evidence``."""

    class Meta:
        model = Evidence

    file = factory.Sequence(lambda n: f"evidence/2023/09/{n:032x}.png")
    original_name = "现场照片.png"
    content_type = "image/png"
    extension = "png"
    size = 67
    sha256 = "0" * 64
