"""The round's own work on the case's timeline: the group's record a working paper was made from (talk, field visit,
document review), shown only to the record's readers, and the hand-offs to county departments with each department's
receipt, reports and part done, shown to whoever reads the item; at a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.conftest import World
from xuncha.fieldwork.models import DocumentReview, FieldVisit, TalkRecord, TalkRole
from xuncha.findings.models import Problem
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.tests import factories as units
from xuncha.rectification import actions
from xuncha.rectification.models import LedgerItem, ResponsibleParty
from xuncha.rectification.tests.factories import photo, publish, reported_round
from xuncha.rectification.timeline import Entry, case_timeline

pytestmark = pytest.mark.usefixtures("media")

PERSON = "王大山"
TRANSCRIPT = "村集体鱼塘承包费2万元未公开，村民多有议论。"
NOTES = "低保户两户反映补贴迟发。"
REQUEST = "负责督促施工单位整改村道排水沟。"
REPORT = "已现场勘查，排水沟改造方案已定。"
DONE = "排水沟已改造完毕，附验收照片。"
RECORD_KINDS = {"made_from_talk", "made_from_visit", "made_from_review"}
PARTY_KINDS = ["handoff", "party_signed", "party_progress", "party_done"]


@dataclass
class Worked:
    problem: Problem
    item: LedgerItem
    talk: TalkRecord
    visit: FieldVisit
    review: DocumentReview
    zhujian: AdminUnit
    zhujian_user: User


def _talk(world: World, problem: Problem, interviewers: list[User], on: date) -> TalkRecord:
    talk = TalkRecord.objects.create(
        assignment=world.assignment,
        village=world.village_a1,
        recorded_by=interviewers[-1],
        talk_role=TalkRole.ACCOUNTANT,
        person_name=PERSON,
        person_post="甲一村报账员",
        talked_on=on,
        place="村委会会议室",
        transcript=TRANSCRIPT,
    )
    talk.interviewers.set(interviewers)
    talk.problems.add(problem)
    return talk


def _visit(world: World, problem: Problem, visitor: User, on: date) -> FieldVisit:
    visit = FieldVisit.objects.create(
        assignment=world.assignment,
        village=world.village_a1,
        recorded_by=visitor,
        visited_on=on,
        place="三组",
        households=6,
        notes=NOTES,
    )
    visit.problems.add(problem)
    return visit


def department_person(unit: AdminUnit, username: str, name: str) -> User:
    user = UserFactory.create(username=username, display_name=name, title=f"{unit}干部")
    grant(user, Role.DEPARTMENT, unit)
    return user


def work_through(party: ResponsibleParty, person: User, number: int = 0) -> None:
    """The department signs for the item, reports with a photo and marks its part done."""
    actions.sign_party_receipt(party, actor=person)
    actions.report_party_progress(party, text=REPORT, actor=person, files=[photo(f"勘查{number}.png")])
    actions.complete_party(party, text=DONE, actor=person, files=[photo(f"验收{number}.png")])


@pytest.fixture
def worked(world: World, office: User, group_leader: User, group_member: User) -> Worked:
    """A problem of 甲一村 made from a talk, a field visit and a document review of group 3, fed back, and handed to
    县住建局 as the lead unit, which signs, reports with a photo and marks its part done."""
    User.objects.filter(pk=group_leader.pk).update(display_name="刘强", title="第三巡察组组长")
    User.objects.filter(pk=group_member.pk).update(display_name="赵敏", title="第三巡察组组员")
    group_leader.refresh_from_db()
    group_member.refresh_from_db()
    reported = reported_round(world)
    problem = reported.of(world.village_a1)[0]
    Problem.objects.filter(pk=problem.pk).update(found_on=date(2023, 11, 14))
    problem.refresh_from_db()
    talk = _talk(world, problem, [group_leader, group_member], date(2023, 11, 12))
    visit = _visit(world, problem, group_member, date(2023, 11, 13))
    review = DocumentReview.objects.create(
        assignment=world.assignment,
        village=world.village_a1,
        recorded_by=group_member,
        requested_on=date(2023, 11, 11),
    )
    review.problems.add(problem)
    publish(reported.round, world.village_a1, office)
    item = LedgerItem.objects.get(problem=problem)
    zhujian = units.department(world.county, "县住建局")
    zhujian_user = department_person(zhujian, "dept_zhujian", "张工")
    party = actions.hand_off_item(item, unit=zhujian, request=REQUEST, part=ResponsibleParty.Part.LEAD, actor=office)
    work_through(party, zhujian_user)
    return Worked(problem, item, talk, visit, review, zhujian, zhujian_user)


def _by_kind(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.kind: entry for entry in entries}


def _kinds(entries: list[Entry]) -> list[str]:
    return [entry.kind for entry in entries]


def test_the_director_and_the_group_read_the_records_the_paper_was_made_from(
    worked: Worked, office_lead: User, group_member: User
) -> None:
    """Made from a talk (its two interviewers), a field visit (its visitor) and a document review, each dated,
    linked to the record, before the working paper; never the person talked to, the transcript or the notes."""
    for reader in (office_lead, group_member):
        for entries in (case_timeline(reader, problem=worked.problem), case_timeline(reader, item=worked.item)):
            kinds = _kinds(entries)
            assert kinds[:3] == ["made_from_review", "made_from_talk", "made_from_visit"], reader
            entries_of = _by_kind(entries)
            talk, visit, review = (
                entries_of[kind] for kind in ("made_from_talk", "made_from_visit", "made_from_review")
            )
            assert (talk.on, visit.on, review.on) == (date(2023, 11, 12), date(2023, 11, 13), date(2023, 11, 11))
            assert talk.actor == "刘强 · 第三巡察组组长、赵敏 · 第三巡察组组员"
            assert visit.actor == review.actor == "赵敏 · 第三巡察组组员"
            assert talk.url == worked.talk.get_absolute_url()
            assert visit.url == worked.visit.get_absolute_url()
            assert review.url == worked.review.get_absolute_url()
            assert "三组" in visit.detail and "6" in visit.detail
            for entry in entries:
                shown = f"{entry.label} {entry.detail} {entry.text} {entry.actor}"
                assert PERSON not in shown and TRANSCRIPT not in shown and NOTES not in shown


def test_the_records_show_to_no_one_outside_their_scope(
    worked: Worked, office: User, township_user: User, village_user: User
) -> None:
    """The office counts the group's records but reads none; townships, villages and the department see nothing."""
    for reader in (office, township_user, village_user, worked.zhujian_user):
        for entries in (case_timeline(reader, problem=worked.problem), case_timeline(reader, item=worked.item)):
            assert not RECORD_KINDS & set(_kinds(entries)), reader


def test_the_pages_of_township_and_village_hold_nothing_of_the_talk(
    client: Client, worked: Worked, township_user: User, village_user: User, office_lead: User
) -> None:
    """Neither the entry, its label in either language, nor a link to the talk; the director's page links it."""
    with translation.override("zh-hans"):
        chinese = str(translation.gettext("Made from a talk record"))
    assert chinese == "源自个别谈话记录"
    secrets = [
        'data-entry="made_from_talk"',
        'data-entry="made_from_visit"',
        worked.talk.get_absolute_url(),
        worked.visit.get_absolute_url(),
        "Made from a talk record",
        chinese,
    ]
    for reader in (township_user, village_user, worked.zhujian_user):
        client.force_login(reader)
        for url in (worked.item.get_absolute_url(), worked.problem.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, (reader, url)
            page = response.content.decode()
            assert 'data-testid="case-timeline"' in page
            for secret in secrets:
                assert secret not in page, (reader, url, secret)
    client.force_login(office_lead)
    page = client.get(worked.problem.get_absolute_url()).content.decode()
    assert 'data-entry="made_from_talk"' in page and worked.talk.get_absolute_url() in page


def test_the_hand_off_and_the_departments_work_name_the_department_and_the_person(worked: Worked, office: User) -> None:
    """The hand-off (the department, its part, what is asked), the receipt (its moment), the report and the part
    done (with their photos), each by the person who did it."""
    entries = case_timeline(office, item=worked.item)
    assert [kind for kind in _kinds(entries) if kind in PARTY_KINDS] == PARTY_KINDS
    entries_of = _by_kind(entries)
    handoff = entries_of["handoff"]
    assert handoff.party == "县住建局" and handoff.detail == "县住建局 · Lead responsible unit"
    assert handoff.text == REQUEST and handoff.code == "HANDOFF"
    assert handoff.actor != "张工 · 县住建局干部"  # the office hands off
    for kind in ("party_signed", "party_progress", "party_done"):
        assert entries_of[kind].party == entries_of[kind].detail == "县住建局"
        assert entries_of[kind].actor == "张工 · 县住建局干部"
    assert entries_of["party_signed"].at is not None and entries_of["party_signed"].text == ""
    assert entries_of["party_progress"].text == REPORT
    assert entries_of["party_done"].text == DONE
    (report_photo,) = entries_of["party_progress"].attachments
    assert report_photo.name == "勘查0.png" and report_photo.url.startswith(f"/ledger/{worked.item.pk}/")
    assert [file.name for file in entries_of["party_done"].attachments] == ["验收0.png"]
    assert [kind for kind in _kinds(case_timeline(office, problem=worked.problem)) if kind in PARTY_KINDS] == (
        PARTY_KINDS
    )


def test_the_department_and_the_village_see_the_hand_off_entries(
    client: Client, worked: Worked, village_user: User
) -> None:
    """Whoever reads the item reads its parties: the department its own part, the village whom the item was handed
    to."""
    for reader in (worked.zhujian_user, village_user):
        kinds = _kinds(case_timeline(reader, item=worked.item))
        assert [kind for kind in kinds if kind in PARTY_KINDS] == PARTY_KINDS, reader
    client.force_login(worked.zhujian_user)
    page = client.get(worked.item.get_absolute_url()).content.decode()
    for kind in PARTY_KINDS:
        assert f'data-entry="{kind}"' in page, kind
    assert 'data-testid="progress-step" data-kind="PARTY_DONE"' in page and "县住建局" in page


def test_the_new_labels_are_chinese(worked: Worked, office_lead: User) -> None:
    with translation.override("zh-hans"):
        entries = case_timeline(office_lead, item=worked.item)
    labels = {entry.kind: entry.label for entry in entries}
    assert labels["made_from_talk"] == "源自个别谈话记录"
    assert labels["made_from_visit"] == "源自实地走访记录"
    assert labels["made_from_review"] == "源自调阅资料记录"
    assert labels["handoff"] == "移交（交办）部门"
    assert labels["party_signed"] == "部门已签收"
    assert labels["party_progress"] == "部门报告整改进展"
    assert labels["party_done"] == "部门已完成其承担部分"
    assert _by_kind(entries)["made_from_visit"].detail == "三组，走访6户"
    assert _by_kind(entries)["handoff"].detail == "县住建局 · 牵头单位"


# Queries of the item's and of the problem's timeline, per reader: the readers of the group's records pay one query
# per kind of record and one for the talks' interviewers; all but a department one for the requests for more time;
# every reader one for the residents' answers.
QUERIES = {
    "office_lead": [19, 18],
    "group_member": [19, 18],
    "office": [15, 14],
    "department": [10, 9],
    "village_user": [11, 10],
}


def _count(reader: User, target: dict[str, Problem | LedgerItem]) -> tuple[int, list[Entry]]:
    with CaptureQueriesContext(connection) as captured:
        entries = case_timeline(reader, **target)  # type: ignore[arg-type]
    return len(captured.captured_queries), entries


@pytest.mark.parametrize("reader_name", ["office_lead", "group_member", "office", "department", "village_user"])
def test_the_timeline_costs_the_same_with_one_or_three_departments_and_more_records(
    request: pytest.FixtureRequest,
    world: World,
    worked: Worked,
    office: User,
    group_leader: User,
    group_member: User,
    reader_name: str,
) -> None:
    """The records are read once per kind with their people, the departments' steps with the item's other steps:
    two more departments at work (signed, reported, done, with photos), another talk and another visit cost no more
    queries, from the item as from the problem."""
    reader = worked.zhujian_user if reader_name == "department" else request.getfixturevalue(reader_name)
    targets: list[dict[str, Problem | LedgerItem]] = [{"item": worked.item}, {"problem": worked.problem}]
    before = []
    for target in targets:
        case_timeline(reader, **target)  # type: ignore[arg-type]  # the reader's grants and groups, read once
        before.append(_count(reader, target)[0])
    assert before == QUERIES[reader_name]
    for number, name in enumerate(["县消防救援大队", "县水利局"], start=1):
        unit = units.department(world.county, name)
        party = actions.hand_off_item(worked.item, unit=unit, request=REQUEST, actor=office)
        work_through(party, department_person(unit, f"dept_{number}", f"干部{number}"), number)
    _talk(world, worked.problem, [group_member, group_leader], date(2023, 11, 15))
    _visit(world, worked.problem, group_leader, date(2023, 11, 16))
    reads_records = reader_name in {"office_lead", "group_member"}
    for target, count in zip(targets, before, strict=True):
        after, entries = _count(reader, target)
        assert after == count, (reader_name, target)
        kinds = _kinds(entries)
        assert kinds.count("party_done") == 3, (reader_name, target)
        assert kinds.count("made_from_talk") == (2 if reads_records else 0), (reader_name, target)
        assert kinds.count("made_from_visit") == (2 if reads_records else 0), (reader_name, target)
