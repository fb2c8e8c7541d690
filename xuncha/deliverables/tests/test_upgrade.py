"""Feedback given before deliverables were tracked gets them from ``xuncha open-deliverables``, once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from xuncha.deliverables.models import Deliverable
from xuncha.rectification.models import Feedback


def test_earlier_feedback_gets_its_deliverables_once(feedback: Feedback) -> None:
    Deliverable.objects.all().delete()  # as on a database from before the deliverables

    out = StringIO()
    call_command("open-deliverables", stdout=out)
    assert "3 deliverable(s) opened." in out.getvalue()
    opened = Deliverable.objects.filter(feedback=feedback)
    assert sorted(opened.values_list("kind", flat=True)) == sorted(Deliverable.Kind.values)
    assert {deliverable.starts_on for deliverable in opened} == {feedback.fed_back_on}

    call_command("open-deliverables", stdout=(again := StringIO()))
    assert "0 deliverable(s) opened." in again.getvalue()
