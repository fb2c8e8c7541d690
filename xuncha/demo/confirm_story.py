"""The demo's residents confirm the fix (群众认可): on two items still being rectified, residents who scanned the
village's QR code say they are not fixed, enough to hold one of them open (only the office director may now close it,
with a reason) and to flag it for a return visit; the other has a mixed answer that holds nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from xuncha.demo import clock
from xuncha.public.actions import confirm_item
from xuncha.public.devices import item_device_key
from xuncha.public.models import ResidentConfirmation
from xuncha.rectification.models import LedgerItem

Answer = ResidentConfirmation.Answer
Status = LedgerItem.Status
# 城南社区 first: its accounts (village_chengnan, township_longsheng) read the answers in the demo.
VILLAGES = ("450328100001", "450328100212")
# The statuses closest to closure first: an approved item is where the residents' word matters most.
PREFERENCE = (Status.REVIEWED, Status.SUBMITTED, Status.IN_PROGRESS, Status.RETURNED, Status.OPEN)
# (days ago, hour, answer, words); the first set holds its item, the second does not.
HOLDING = (
    (6, 19, Answer.UNRESOLVED, "晚上路过看了，还是老样子，没有整改到位。"),
    (5, 8, Answer.UNRESOLVED, "说是整改了，可我们住户没看到任何变化。"),
    (4, 12, Answer.RESOLVED, ""),
    (3, 20, Answer.UNRESOLVED, ""),
    (2, 7, Answer.UNRESOLVED, "希望巡察组回访时来现场看一看。"),
)
MIXED = (
    (5, 18, Answer.RESOLVED, "已经公开了，谢谢。"),
    (3, 9, Answer.RESOLVED, ""),
    (2, 21, Answer.UNRESOLVED, "公开栏的字太小了，看不清。"),
)
# A small grey PNG standing for a resident's photo of the place.
PHOTO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU\x00\x00\x00"
    b"\nIDATx\x9cc\xb8\x01\x00\x00\xa0\x00\x9f\xa6Y\xa4\xd2\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _open_item(code: str, taken: set[int]) -> LedgerItem | None:
    items = LedgerItem.objects.filter(village__code=code, status__in=PREFERENCE).exclude(pk__in=taken)
    for status in PREFERENCE:
        item = items.filter(status=status).order_by("number", "pk").first()
        if item is not None:
            return item
    return None


def tell() -> None:
    """Residents' answers on an item of each demo village still being rectified, dated in the last week."""
    today = clock.real_today()
    taken: set[int] = set()
    for code, answers in zip(VILLAGES, (HOLDING, MIXED), strict=True):
        item = _open_item(code, taken)
        if item is None:
            continue
        taken.add(item.pk)
        for number, (days_ago, hour, answer, words) in enumerate(answers):
            with clock.at(today - timedelta(days=days_ago), hour, 10 + number):
                confirm_item(
                    item,
                    answer=answer,
                    comment=words,
                    device_key=item_device_key(item, f"demo-resident-{code}-{number}"),
                    channel=ResidentConfirmation.Channel.DISCLOSURE,
                    photo=(io.BytesIO(PHOTO), "现场照片.png") if number == 0 else None,
                )
