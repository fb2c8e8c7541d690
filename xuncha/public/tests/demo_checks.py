"""Checks of the demo's disclosure and survey: 城南社区's hydrants verified on the return visit are published with the
rest of its closed items and a few of 山东村's, and 40 residents have answered 城南社区's survey. Called from
``xuncha/tests/test_demo.py``, which loads the demo once for all its checks."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.demo import disclosure_story
from xuncha.public.models import Disclosure, Survey, SurveyAnswer
from xuncha.public.queries import disclosure_figures, survey_figures
from xuncha.rectification.models import LedgerItem, VisitCheck

CHENGNAN = "450328100001"
SHANDONG = "450328100212"
COUNTY_PATH = "/450000000000/450300000000/450328000000/"


def check_disclosure_demo(client: Client) -> None:
    """The demo publishes results and has a survey answered; the public page names no one."""
    hydrant = Disclosure.objects.select_related("item__village").get(result__contains="重新安装并试水成功")
    assert hydrant.item.village.code == CHENGNAN
    assert hydrant.item.status == LedgerItem.Status.CLOSED
    assert VisitCheck.objects.filter(
        item=hydrant.item, verdict=VisitCheck.Verdict.VERIFIED, note__contains=disclosure_story.HYDRANT_VERIFIED
    ).exists()
    assert "回访" in hydrant.result
    assert "消火栓" in hydrant.summary

    published = Disclosure.objects.filter(item__village__path__under=COUNTY_PATH)
    assert disclosure_figures(published) == {"published": 8, "villages": 2}
    assert published.filter(item__village__code=CHENGNAN).count() == 1 + len(disclosure_story.CHENGNAN_RESULTS)
    shandong = published.filter(item__village__code=SHANDONG)
    assert shandong.count() == len(disclosure_story.SHANDONG_RESULTS)
    assert set(shandong.values_list("item__fix_type", flat=True)) == {"IMMEDIATE"}
    assert not published.exclude(item__status=LedgerItem.Status.CLOSED).exists()
    assert set(published.values_list("published_by__username", flat=True)) == {"office"}

    survey = Survey.objects.get()
    assert survey.village.code == CHENGNAN
    assert survey.takes_answers()
    assert survey_figures(SurveyAnswer.objects.filter(survey__village__path__under=COUNTY_PATH)) == {
        "surveys": 1,
        "answers": 40,
        "satisfied": 34,
        "fairly_satisfied": 4,
        "dissatisfied": 2,
        "satisfaction_rate": 95.0,
    }
    assert Event.objects.filter(verb="public.disclosure_published").count() == 8
    assert Event.objects.filter(verb="public.survey_opened").count() == 1

    html = client.get(reverse("public:disclosure", args=[CHENGNAN])).content.decode()
    assert hydrant.result in html
    assert reverse("public:survey", args=[survey.public_key]) in html
    leaders = set(LedgerItem.objects.filter(village__code=CHENGNAN).values_list("responsible_leader", flat=True))
    for leader in leaders - {""}:
        assert leader not in html
        assert leader.split("（")[0] not in html
    for item in LedgerItem.objects.filter(village__code=CHENGNAN):
        assert item.summary not in html
