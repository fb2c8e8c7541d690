"""``xuncha open-deliverables``: open the deliverables of feedback given, and items handed off, before the platform
tracked deliverables (an upgrade step; running it again opens nothing twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from xuncha.accounts.actors import SYSTEM
from xuncha.deliverables.actions import open_deliverables
from xuncha.rectification.models import Feedback
from xuncha.rectification.models_handoff import ResponsibleParty


class Command(BaseCommand):
    help = (
        "Open the three deliverables (整改方案, 整改情况报告, 主要负责人组织落实整改情况报告) of every village fed "
        "back and every department handed items before deliverables were tracked, due as from their feedback or "
        "first hand-off. Rounds already filed (archived) are left alone. All or nothing; safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        opened = 0
        with transaction.atomic():
            feedbacks = Feedback.objects.filter(round__archived_at__isnull=True).select_related("round", "village")
            for feedback in feedbacks.order_by("fed_back_on", "pk"):
                opened += len(
                    open_deliverables(
                        feedback.round,
                        feedback.village,
                        starts_on=feedback.fed_back_on,
                        feedback=feedback,
                        actor=SYSTEM,
                    )
                )
            parties = ResponsibleParty.objects.filter(item__round__archived_at__isnull=True).select_related(
                "item__round", "unit"
            )
            for party in parties.order_by("handed_on", "pk"):
                opened += len(open_deliverables(party.item.round, party.unit, starts_on=party.handed_on, actor=SYSTEM))
        self.stdout.write(f"{opened} deliverable(s) opened.")
