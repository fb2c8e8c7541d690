"""What the loaded demo holds of democratic appraisals (called by ``xuncha/tests/test_demo.py``): 山东村's closed
appraisal of April 2023 with 60 forms on phones and paper, and round 6's open appraisal of 乐江村, whose
questionnaire takes a resident's form today."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from xuncha.appraisal.models import Appraisal, AppraisalForm
from xuncha.appraisal.queries import tallies
from xuncha.audit.models import Event


def check_appraisal_demo(client: Client) -> None:
    shandong = Appraisal.objects.get(village__code="450328100212")
    assert shandong.status == Appraisal.Status.CLOSED
    assert shandong.assignment.round.number == 3 and shandong.assignment.group.number == 3
    assert shandong.opened_at.date() == date(2023, 4, 12) and shandong.closed_at is not None
    figures = tallies(shandong)
    assert (figures.forms, figures.phone, figures.paper) == (60, 38, 22)
    assert {row.kind: row.total for row in figures.kinds} == {
        "PARTY_MEMBER": 18,
        "REPRESENTATIVE": 14,
        "CADRE": 5,
        "RESIDENT": 23,
    }
    assert all(row.answered == 60 for row in figures.items)
    # Most are satisfied, openness of village affairs least.
    by_key = {row.item.key: row.satisfaction for row in figures.standard_items}
    assert 70 < figures.satisfaction < 95
    assert min(by_key, key=lambda key: by_key[key]) == "AFFAIRS_OPEN"
    days = set(AppraisalForm.objects.filter(appraisal=shandong).values_list("submitted_on", flat=True))
    assert days <= {date(2023, 4, 12), date(2023, 4, 13), date(2023, 4, 14)}
    assert Event.objects.filter(verb="appraisal.closed", object_id=str(shandong.pk)).exists()

    lejiang = Appraisal.objects.get(village__code="450328105201")
    assert lejiang.status == Appraisal.Status.OPEN and lejiang.assignment.round.number == 6
    before = lejiang.forms.count()
    assert before == 12
    url = reverse("appraisal:public", args=[lejiang.public_key])
    assert 'data-testid="appraisal-form"' in client.get(url).content.decode()
    answers = {"respondent_kind": "RESIDENT"} | {f"item_{item.pk}": "GOOD" for item in lejiang.items.all()}
    assert client.post(url, answers).status_code == 302
    assert lejiang.forms.count() == before + 1
