"""The ledger pages: the ledger with its filters and figures, an item's page and its forms per role, the township's
review (one by one and in a batch), and the ledger panels of the township and village pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, User
from xuncha.accounts.tests.factories import UserFactory, grant
from xuncha.audit.labels import verb_label
from xuncha.audit.models import Event
from xuncha.conftest import BrowserPage, World
from xuncha.core import workdays
from xuncha.evidence.models import Evidence
from xuncha.findings.models import FixType, Problem
from xuncha.findings.tests.factories import ProblemFactory, png_bytes
from xuncha.inspections.models import Assignment, Round
from xuncha.inspections.tests.factories import assign
from xuncha.organisations.models import AdminUnit
from xuncha.rectification import actions
from xuncha.rectification.filters import LedgerItemFilter
from xuncha.rectification.lights import light_q, with_light
from xuncha.rectification.models import Feedback, LedgerItem, Light, Progress, VisitCheck
from xuncha.rectification.queries import reminders_due
from xuncha.reporting.tests.factories import approve_round_report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTMX = {"HX-Request": "true"}
Status = LedgerItem.Status


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


def _png(name: str = "整改照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST and follow the redirect to the page that shows the outcome."""
    return client.post(url, data or {}, follow=True)


def _messages(response: Any) -> list[str]:
    """The messages shown on the page the POST led to."""
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def _reporting(world: World) -> Round:
    Round.objects.filter(pk=world.round.pk).update(status=Round.Status.REPORTING)
    approve_round_report(world.round)
    world.round.refresh_from_db()
    return world.round


def _assignment_for(world: World, village: AdminUnit) -> Assignment:
    if village == world.village_a1:
        return world.assignment
    return Assignment.objects.filter(round=world.round, covered__village=village).first() or assign(
        world.group, [village]
    )


def publish(world: World, office: User, village: AdminUnit | None = None, count: int = 1, **fields: Any) -> Feedback:
    """Confirmed problems of ``village`` (甲一村 unless said), built into its list and fed back by the office."""
    village = village or world.village_a1
    assignment = _assignment_for(world, village)
    for _n in range(count):
        ProblemFactory.create(assignment=assignment, status=Problem.Status.CONFIRMED, **fields)
    round_ = _reporting(world)
    actions.build_individual_list(round_, village, actor=office)
    return actions.publish_feedback(round_, village, actor=office)


def published_item(world: World, office: User, village: AdminUnit | None = None, **fields: Any) -> LedgerItem:
    return publish(world, office, village, **fields).items.get()


def submitted_item(world: World, office: User, village_user: User, **fields: Any) -> LedgerItem:
    item = published_item(world, office, **fields)
    actions.submit_item(item, text="已整改到位。", files=[(_png(), "整改照片.png", len(PNG))], actor=village_user)
    return item


def verify_on_a_visit(item: LedgerItem, office: User) -> None:
    today = timezone.localdate()
    visit = actions.plan_visit(item.village, planned_on=today, items=[item], actor=office, visitors="县巡察办")
    actions.record_visit(
        visit,
        visited_on=today,
        verdicts={item.pk: (VisitCheck.Verdict.VERIFIED, "已重新安装并试水成功", None)},
        people_asked=12,
        people_satisfied=11,
        actor=office,
    )


def extra_items(feedback: Feedback, deadlines: list[date], **fields: Any) -> list[LedgerItem]:
    """More items on ``feedback``, written directly with the given deadlines (scenes for filters and panels)."""
    assignment = _assignment_for_feedback(feedback)
    items = []
    for deadline in deadlines:
        problem = ProblemFactory.create(assignment=assignment, status=Problem.Status.FED_BACK)
        values: dict[str, Any] = {
            "round": feedback.round,
            "feedback": feedback,
            "village": feedback.village,
            "township": feedback.village.parent,
            "problem": problem,
            "number": problem.serial,
            "summary": problem.phenomenon,
            "category": problem.category,
            "fix_type": problem.fix_type,
            "deadline": deadline,
            **fields,
        }
        items.append(LedgerItem.objects.create(**values))
    return items


def _assignment_for_feedback(feedback: Feedback) -> Assignment:
    assignment = Assignment.objects.filter(round=feedback.round, covered__village=feedback.village).first()
    assert assignment is not None
    return assignment


def _status(item: LedgerItem) -> str:
    item.refresh_from_db()
    return item.status


# The whole chain --------------------------------------------------------------------------------------------------


def test_the_chain_runs_from_plan_to_closure_through_the_pages(
    client: Client,
    world: World,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
    media: None,
) -> None:
    """Village plans and submits with evidence, township approves, the office's director closes after the key
    village's visit (the clerk who verified it on the visit may not: four eyes)."""
    item = published_item(world, office)
    client.force_login(village_user)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="plan-form"' in page and 'data-testid="submit-form"' in page
    assert 'data-testid="review-form"' not in page and 'data-testid="close-form"' not in page

    _post(
        client,
        reverse("rectification:item-plan", args=[item.pk]),
        {
            "measures": "召开村民代表会议补办手续，租金入账。",
            "goal": "年底前完成",
            "responsible_leader": "村党支部书记 李明",
        },
    )
    assert _status(item) == Status.IN_PROGRESS
    assert item.responsible_leader == "村党支部书记 李明"
    response = _post(
        client,
        reverse("rectification:item-submit", args=[item.pk]),
        {"expected_status": Status.IN_PROGRESS, "text": "租金3.2万元已入账，会议纪要附后。", "evidence": [_png()]},
    )
    assert _messages(response) == ["The item was submitted to the township for review."]
    assert _status(item) == Status.SUBMITTED
    progress = item.progress.get(kind=Progress.Kind.SUBMISSION)
    evidence = progress.evidence.get()
    file_url = reverse("rectification:progress-file", args=[item.pk, progress.pk, evidence.pk])

    client.force_login(township_user)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="review-form"' in page and 'data-testid="submit-form"' not in page
    assert file_url in page
    assert client.get(file_url).status_code == 200
    response = _post(
        client,
        reverse("rectification:item-review-one", args=[item.pk]),
        {"expected_status": Status.SUBMITTED, "decision": "approve", "reason": ""},
    )
    assert _messages(response) == ["The submission was approved."]
    assert _status(item) == Status.REVIEWED

    client.force_login(office)
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="awaits-visit"' in page
    close_url = reverse("rectification:item-close", args=[item.pk])
    today = timezone.localdate().isoformat()
    response = _post(client, close_url, {"closed_on": today, "note": ""})
    assert _messages(response) == ["This item closes only after a return visit verified it on site."]
    assert _status(item) == Status.REVIEWED

    verify_on_a_visit(item, office)
    response = _post(client, close_url, {"closed_on": today, "note": "回访核实，予以销号。"})
    assert _messages(response) == [
        "You verified this item on the return visit: another person of the office closes it (four eyes)."
    ]
    assert _status(item) == Status.REVIEWED
    client.force_login(office_lead)
    response = _post(client, close_url, {"closed_on": today, "note": "回访核实，予以销号。"})
    assert _messages(response) == ["The item was closed."]
    assert _status(item) == Status.CLOSED
    assert item.closed_on == timezone.localdate()

    page = client.get(item.get_absolute_url()).content.decode()
    kinds = list(Progress.objects.filter(item=item).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["PLAN", "SUBMISSION", "APPROVAL", "CLOSURE"]
    for kind in kinds:
        assert f'data-kind="{kind}"' in page
    verbs = set(Event.objects.for_object(item).values_list("verb", flat=True))
    assert {"rectification.item_planned", "rectification.item_submission", "rectification.item_closure"} <= verbs
    assert page.count('data-testid="timeline"') == 1
    assert 'data-testid="item-visit-check" data-verdict="VERIFIED"' in page
    assert 'data-testid="close-form"' not in page and 'data-testid="reopen-form"' in page


def test_a_submission_takes_several_files_at_once(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """Every file chosen in the submit form is stored as evidence of the submission."""
    item = published_item(world, office)
    client.force_login(village_user)
    _post(
        client,
        reverse("rectification:item-submit", args=[item.pk]),
        {"expected_status": Status.OPEN, "text": "已整改。", "evidence": [_png("前.png"), _png("后.png")]},
    )
    assert _status(item) == Status.SUBMITTED
    names = set(
        Evidence.objects.filter(pk__in=item.progress.values("evidence")).values_list("original_name", flat=True)
    )
    assert names == {"前.png", "后.png"}


def test_a_submission_without_evidence_or_with_a_refused_file_changes_nothing(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """The action's refusal (no evidence, a file type not accepted) is shown and the item stays as it was."""
    item = published_item(world, office)
    client.force_login(village_user)
    url = reverse("rectification:item-submit", args=[item.pk])
    response = _post(client, url, {"expected_status": Status.OPEN, "text": "已整改。"})
    assert _messages(response) == ["Attach the evidence of the rectification (photos, documents)."]
    script = SimpleUploadedFile("说明.html", b"<html><script>alert(1)</script></html>", content_type="text/html")
    response = _post(client, url, {"expected_status": Status.OPEN, "text": "已整改。", "evidence": [script]})
    assert "This file type is not accepted" in _messages(response)[0]
    assert _status(item) == Status.OPEN
    assert not Progress.objects.filter(item=item, kind=Progress.Kind.SUBMISSION).exists()


def test_the_village_reports_progress_with_evidence(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """A progress report is saved with its files and moves an open item into work."""
    item = published_item(world, office)
    client.force_login(village_user)
    response = _post(
        client,
        reverse("rectification:item-progress", args=[item.pk]),
        {"text": "已召开村民代表会议。", "on": timezone.localdate().isoformat(), "evidence": [_png()]},
    )
    assert _messages(response) == ["The progress report was saved."]
    assert _status(item) == Status.IN_PROGRESS
    progress = Progress.objects.get(item=item, kind=Progress.Kind.PROGRESS)
    assert progress.evidence.count() == 1


# Two reviewers and the refusals per role --------------------------------------------------------------------------


def test_a_second_reviewer_gets_the_conflict_message_and_nothing_is_overwritten(
    client: Client, world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """Both reviewers saw the item SUBMITTED; the first approves, the second's return is refused with who acted."""
    item = submitted_item(world, office, village_user)
    colleague = UserFactory.create(username="township_a_2")
    grant(colleague, Role.TOWNSHIP, world.township_a)
    second = Client()
    second.force_login(colleague)
    assert 'name="expected_status" value="SUBMITTED"' in second.get(item.get_absolute_url()).content.decode()
    client.force_login(township_user)
    url = reverse("rectification:item-review-one", args=[item.pk])
    _post(client, url, {"expected_status": Status.SUBMITTED, "decision": "approve", "reason": "材料齐全。"})

    response = _post(second, url, {"expected_status": Status.SUBMITTED, "decision": "return", "reason": "照片不清。"})
    assert _messages(response) == [
        f"{township_user} already acted on this item; it is now Reviewed by the township. Reload the page."
    ]
    assert _status(item) == Status.REVIEWED
    assert list(item.progress.values_list("kind", "text", "author")) == [
        ("SUBMISSION", "已整改到位。", village_user.pk),
        ("APPROVAL", "材料齐全。", township_user.pk),
    ]


def test_returning_a_submission_needs_a_reason(
    client: Client, world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """Without a reason the return is refused; with one the item goes back to the village."""
    item = submitted_item(world, office, village_user)
    client.force_login(township_user)
    url = reverse("rectification:item-review-one", args=[item.pk])
    response = _post(client, url, {"expected_status": Status.SUBMITTED, "decision": "return", "reason": " "})
    assert _messages(response) == ["Say why the submission is returned."]
    assert _status(item) == Status.SUBMITTED
    response = _post(
        client, url, {"expected_status": Status.SUBMITTED, "decision": "return", "reason": "缺少会议纪要。"}
    )
    assert _messages(response) == ["The submission was returned to the village."]
    assert _status(item) == Status.RETURNED


def test_the_village_cannot_approve_its_own_submission(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """The page offers the village no review form, and a forged POST is refused by the action."""
    item = submitted_item(world, office, village_user)
    client.force_login(village_user)
    assert 'data-testid="review-form"' not in client.get(item.get_absolute_url()).content.decode()
    response = _post(
        client,
        reverse("rectification:item-review-one", args=[item.pk]),
        {"expected_status": Status.SUBMITTED, "decision": "approve", "reason": ""},
    )
    assert _messages(response) == ["Only the overseeing township reviews the item."]
    assert _status(item) == Status.SUBMITTED


def test_the_township_cannot_close(
    client: Client, world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """Closing is the office's: the township gets no close form and its POST is refused."""
    item = submitted_item(world, office, village_user)
    actions.review_item(item, approve=True, actor=township_user)
    verify_on_a_visit(item, office)
    client.force_login(township_user)
    assert 'data-testid="close-form"' not in client.get(item.get_absolute_url()).content.decode()
    response = _post(
        client, reverse("rectification:item-close", args=[item.pk]), {"closed_on": timezone.localdate().isoformat()}
    )
    assert _messages(response) == ["Only the inspection office closes items."]
    assert _status(item) == Status.REVIEWED


@pytest.mark.parametrize(
    "name",
    [
        "item-detail",
        "item-plan",
        "item-progress",
        "item-submit",
        "item-review-one",
        "item-return",
        "item-close",
        "item-ongoing",
        "item-reopen",
        "item-extend",
        "item-flag",
    ],
)
def test_an_outsider_gets_404_on_every_item_address(
    client: Client, world: World, office: User, outsider: User, name: str
) -> None:
    """Another county's office neither reads nor acts on the item: it does not exist for them."""
    item = published_item(world, office)
    client.force_login(outsider)
    url = reverse(f"rectification:{name}", args=[item.pk])
    response = client.get(url) if name == "item-detail" else _post(client, url, {"reason": "x"})
    assert response.status_code == 404
    assert _status(item) == Status.OPEN


def test_the_ledger_of_an_outsider_or_a_village_holds_only_their_items(
    client: Client, world: World, office: User, outsider: User, village_user: User
) -> None:
    """The ledger starts from visible_to: another county sees nothing, a village only its own items."""
    own = published_item(world, office)
    other = published_item(world, office, world.village_a2)
    client.force_login(outsider)
    html = client.get(reverse("rectification:item-list")).content.decode()
    assert own.number not in html and other.number not in html
    client.force_login(village_user)
    html = client.get(reverse("rectification:item-list")).content.decode()
    assert own.number in html and other.number not in html


def test_the_office_acts_on_items_through_the_pages(
    client: Client,
    world: World,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
    media: None,
) -> None:
    """Flag for a visit, extend the deadline, return a reviewed item, keep a long-term one ongoing, and reopen."""
    feedback = publish(world, office, world.village_a2, count=2)
    item, long_term = feedback.items.order_by("number")
    LedgerItem.objects.filter(pk=long_term.pk).update(fix_type=FixType.LONG_TERM)
    client.force_login(office)

    response = _post(client, reverse("rectification:item-flag", args=[item.pk]))
    assert _messages(response) == ["The item will close only after a verified return visit."]
    item.refresh_from_db()
    assert item.needs_return_visit
    later = item.deadline + timedelta(days=30)
    _post(client, reverse("rectification:item-extend", args=[item.pk]), {"new_deadline": later, "reason": "汛期施工"})
    item.refresh_from_db()
    assert item.deadline != later  # a clerk extends nothing; the director does
    client.force_login(office_lead)
    _post(client, reverse("rectification:item-extend", args=[item.pk]), {"new_deadline": later, "reason": "汛期施工"})
    item.refresh_from_db()
    assert item.deadline == later
    client.force_login(office)

    for submitted in (item, long_term):
        actions.submit_item(submitted, text="已整改。", files=[(_png(), "a.png", len(PNG))], actor=SYSTEM)
        actions.review_item(submitted, approve=True, actor=SYSTEM)
    response = _post(client, reverse("rectification:item-return", args=[item.pk]), {"reason": "整改不彻底。"})
    assert _messages(response) == ["The item was returned to the village."]
    assert _status(item) == Status.RETURNED

    page = client.get(long_term.get_absolute_url()).content.decode()
    assert 'data-testid="ongoing-form"' in page and 'data-testid="close-form"' not in page
    _post(client, reverse("rectification:item-ongoing", args=[long_term.pk]), {"note": "每季度报告一次。"})
    assert _status(long_term) == Status.ONGOING
    new_deadline = timezone.localdate() + timedelta(days=60)
    response = _post(
        client,
        reverse("rectification:item-reopen", args=[long_term.pk]),
        {"new_deadline": new_deadline.isoformat(), "reason": "群众反映问题反弹。"},
    )
    assert _messages(response) == ["The item was reopened."]
    long_term.refresh_from_db()
    assert (long_term.status, long_term.deadline, long_term.reopened) == (Status.IN_PROGRESS, new_deadline, 1)


def test_an_invalid_form_is_refused_with_its_errors(
    client: Client, world: World, office: User, office_lead: User
) -> None:
    """A form that does not validate names the field; the action is not called."""
    item = published_item(world, office)
    client.force_login(office_lead)
    response = _post(client, reverse("rectification:item-extend", args=[item.pk]), {"new_deadline": "明天"})
    assert "New deadline" in _messages(response)[0]
    before = item.deadline
    item.refresh_from_db()
    assert item.deadline == before


def test_the_item_page_costs_the_same_queries_however_long_its_history(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """Progress rows, their evidence and the audit timeline are read in a fixed number of queries."""
    item = published_item(world, office)
    client.force_login(office)
    url = item.get_absolute_url()
    actions.report_progress(item, text="第一次报告。", files=[(_png(), "a.png", len(PNG))], actor=village_user)
    few = _count_queries(client, url)
    for n in range(4):
        files = [(_png(), f"{n}-{m}.png", len(PNG)) for m in range(2)]
        actions.report_progress(item, text=f"第{n + 2}次报告。", files=files, actor=village_user)
    assert _count_queries(client, url) == few


# The batch review -------------------------------------------------------------------------------------------------


def test_the_review_page_lists_submissions_with_text_evidence_and_controls(
    client: Client, world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """The township sees each submission's text and evidence count with its controls; the office only reads."""
    item = submitted_item(world, office, village_user)
    client.force_login(township_user)
    html = client.get(reverse("rectification:item-review")).content.decode()
    assert item.number in html and "已整改到位。" in html
    assert 'data-testid="evidence-count"><i class="bi bi-paperclip" aria-hidden="true"></i> 1<' in html
    assert f'name="ids" value="{item.pk}"' in html and 'data-testid="batch-form"' in html
    client.force_login(office)
    html = client.get(reverse("rectification:item-review")).content.decode()
    assert item.number in html
    assert 'data-testid="batch-form"' not in html and 'data-testid="row-review-form"' not in html


def test_a_row_of_the_review_page_returns_to_it(
    client: Client, world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """Approving from a row of the review page comes back to the review page."""
    item = submitted_item(world, office, village_user)
    client.force_login(township_user)
    response = _post(
        client,
        reverse("rectification:item-review-one", args=[item.pk]),
        {"expected_status": Status.SUBMITTED, "decision": "approve", "reason": "", "back": "review"},
    )
    assert response.redirect_chain[-1][0] == reverse("rectification:item-review")
    assert _status(item) == Status.REVIEWED


def test_the_batch_approves_each_item_and_reports_the_conflicting_one(
    client: Client,
    world: World,
    office: User,
    township_user: User,
    village_user: User,
    outsider: User,
    media: None,
) -> None:
    """Each ticked item is approved on its own; a conflicting or unknown one is reported and holds nothing back."""
    items = list(publish(world, office, count=3).items.order_by("number"))
    for item in items:
        actions.submit_item(item, text="已整改。", files=[(_png(), "a.png", len(PNG))], actor=village_user)
    first, second, third = items
    actions.review_item(second, approve=False, reason="照片不清。", actor=township_user)
    foreign = 999_999
    client.force_login(township_user)
    response = _post(
        client, reverse("rectification:item-review-batch"), {"ids": [first.pk, second.pk, third.pk, foreign]}
    )
    assert response.redirect_chain[-1][0] == reverse("rectification:item-review")
    messages = _messages(response)
    assert (
        f"{second.number} was not approved: {township_user} already acted on this item; it is now Returned."
        in (messages[0])
    )
    assert messages[1] == f"Item #{foreign} was not found."
    assert messages[2] == f"2 items approved: {first.number}、{third.number}"
    assert [_status(item) for item in items] == [Status.REVIEWED, Status.RETURNED, Status.REVIEWED]


def test_the_batch_needs_ticked_items(client: Client, world: World, township_user: User) -> None:
    """Posting the batch form with nothing ticked says so."""
    client.force_login(township_user)
    response = _post(client, reverse("rectification:item-review-batch"), {})
    assert _messages(response) == ["Items：Tick the items to approve."]


def test_the_village_cannot_approve_in_a_batch(
    client: Client, world: World, office: User, village_user: User, media: None
) -> None:
    """The batch goes through the same action: the village's approval is refused per item."""
    item = submitted_item(world, office, village_user)
    client.force_login(village_user)
    response = _post(client, reverse("rectification:item-review-batch"), {"ids": [item.pk]})
    assert _messages(response) == [f"{item.number} was not approved: Only the overseeing township reviews the item."]
    assert _status(item) == Status.SUBMITTED


# The ledger and its filters ---------------------------------------------------------------------------------------


def _light_scene(world: World, office: User) -> dict[str, LedgerItem]:
    today = timezone.localdate()
    feedback = publish(world, office)
    red, yellow, green, done = extra_items(
        feedback, [today - timedelta(days=1), today, today + timedelta(days=90), today - timedelta(days=5)]
    )
    LedgerItem.objects.filter(pk=done.pk).update(status=Status.CLOSED, closed_on=today)
    done.refresh_from_db()
    return {"RED": red, "YELLOW": yellow, "GREEN": green, "DONE": done}


def _rows(client: Client, **params: str) -> set[int]:
    html = client.get(reverse("rectification:item-list"), params, headers=HTMX).content.decode()
    return {item.pk for item in LedgerItem.objects.all() if f'data-item="{item.pk}"' in html}


def test_the_ledger_filters_by_traffic_light(client: Client, world: World, office: User) -> None:
    """Red is overdue, yellow due within the warning period, green later, done closed or ongoing."""
    scene = _light_scene(world, office)
    client.force_login(office)
    for light, item in scene.items():
        assert item.light() == light
        assert _rows(client, light=light) >= {item.pk}
        assert not _rows(client, light=light) & {other.pk for name, other in scene.items() if name != light}


def test_the_ledger_filters_by_status_village_and_words(client: Client, world: World, office: User) -> None:
    """Status, village code and search narrow the ledger; the htmx answer is the table alone."""
    feedback = publish(world, office, phenomenon="村务公开栏三个月未更新。")
    first = feedback.items.get()
    second = published_item(world, office, world.village_a2, phenomenon="集体资产台账不全。")
    LedgerItem.objects.filter(pk=second.pk).update(status=Status.SUBMITTED)
    client.force_login(office)
    assert _rows(client, status=Status.SUBMITTED) == {second.pk}
    assert _rows(client, village=world.village_a1.code) == {first.pk}
    assert _rows(client, township=world.township_b.code) == set()
    assert _rows(client, q="公开栏") == {first.pk}
    partial = client.get(reverse("rectification:item-list"), {"q": "公开栏"}, headers=HTMX).content.decode()
    assert "<html" not in partial and 'data-testid="ledger-figures"' in partial


def test_the_figures_follow_the_filters(client: Client, world: World, office: User) -> None:
    """Items, closed, overdue and the completion rate are those of the filtered ledger."""
    _light_scene(world, office)
    client.force_login(office)
    response = client.get(reverse("rectification:item-list"))
    figures = response.context["figures"]
    assert (figures["ledger_items"], figures["closed"], figures["overdue"]) == (5, 1, 1)
    assert figures["completion_rate"] == 20.0
    response = client.get(reverse("rectification:item-list"), {"light": Light.RED})
    assert (response.context["figures"]["ledger_items"], response.context["figures"]["overdue"]) == (1, 1)


def test_the_light_filter_agrees_with_each_items_badge(world: World, office: User, rf: Any) -> None:
    """For deadlines over the coming weeks, weekends and holidays among them, the filter and the badge agree."""
    today = timezone.localdate()
    feedback = publish(world, office)
    deadlines = [today + timedelta(days=offset) for offset in range(-2, 30)]
    extra_items(feedback, deadlines)
    request = rf.get("/")
    request.user = office
    everything = list(LedgerItem.objects.all())
    for light in Light.values:
        chosen = LedgerItemFilter({"light": light}, queryset=LedgerItem.objects.all(), request=request).qs
        assert {item.pk for item in chosen} == {item.pk for item in everything if item.light(today) == light}
    annotated = {item.pk: vars(item)["light_code"] for item in with_light(LedgerItem.objects.all(), today)}
    assert all(annotated[item.pk] == item.light(today) for item in everything)


def test_a_rest_day_deadline_right_after_the_yellow_period_is_still_yellow(
    world: World, office: User, settings: pytest.FixtureRequest
) -> None:
    """A Saturday deadline after the last warning working day is yellow, in the query as on the badge."""
    settings.XUNCHA_YELLOW_WORKING_DAYS = 10  # type: ignore[attr-defined]
    friday = date(2026, 11, 13)
    saturday = workdays.add_working_days(friday, 10) + timedelta(days=1)
    assert saturday == date(2026, 11, 28) and not workdays.is_workday(saturday)
    (item,) = extra_items(publish(world, office), [saturday])
    assert item.light(friday) == Light.YELLOW
    assert vars(with_light(LedgerItem.objects.filter(pk=item.pk), friday).get())["light_code"] == Light.YELLOW
    assert LedgerItem.objects.filter(light_q(Light.YELLOW, friday), pk=item.pk).exists()


def test_the_ledger_paginates(client: Client, world: World, office: User) -> None:
    """Fifty items a page; the second page holds the rest."""
    feedback = publish(world, office)
    extra_items(feedback, [timezone.localdate()] * 50)
    client.force_login(office)
    first = client.get(reverse("rectification:item-list"))
    assert len(first.context["page_obj"]) == 50
    second = client.get(reverse("rectification:item-list"), {"page": 2})
    assert len(second.context["page_obj"]) == 1


def _count_queries(client: Client, url: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_ledger_costs_the_same_queries_however_many_items(client: Client, world: World, office: User) -> None:
    """A fixed number of queries for the ledger page, with few items or many."""
    feedback = publish(world, office)
    client.force_login(office)
    url = reverse("rectification:item-list")
    client.get(url)
    few = _count_queries(client, url)
    extra_items(feedback, [timezone.localdate() + timedelta(days=n) for n in range(30)])
    assert _count_queries(client, url) == few == 12
    assert _count_queries(client, url, light=Light.GREEN, q="村") == few


def test_the_review_page_costs_the_same_queries_however_many_items(
    client: Client, world: World, office: User, township_user: User
) -> None:
    """A fixed number of queries for the review page, with one submission or many."""
    feedback = publish(world, office)
    extra_items(feedback, [timezone.localdate()], status=Status.SUBMITTED)
    client.force_login(township_user)
    url = reverse("rectification:item-review")
    few = _count_queries(client, url)
    extra_items(feedback, [timezone.localdate()] * 10, status=Status.SUBMITTED)
    assert _count_queries(client, url) == few


# The township and village pages -----------------------------------------------------------------------------------


def test_the_township_page_shows_its_villages_by_status_and_light(
    client: Client, world: World, office: User, township_user: User
) -> None:
    """A matrix village × status with counts linking to the filtered ledger, and the red items listed."""
    scene = _light_scene(world, office)
    other = published_item(world, office, world.village_a2)
    published_item(world, office, world.village_b1)
    client.force_login(township_user)
    response = client.get(world.township_a.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="township-ledger"' in html
    assert html.count('data-testid="matrix-row"') == 2
    ledger = reverse("rectification:item-list")
    a1, a2, township = world.village_a1.code, world.village_a2.code, world.township_a.code
    assert f'href="{ledger}?township={township}&amp;village={a1}&amp;status=OPEN">4</a>' in html
    assert f'href="{ledger}?township={township}&amp;village={a1}&amp;status=CLOSED">1</a>' in html
    assert f'href="{ledger}?township={township}&amp;village={a2}&amp;status=OPEN">1</a>' in html
    assert f'href="{ledger}?township={township}&amp;light=RED"' in html
    red_list = html.split('data-testid="township-red"')[1]
    assert scene["RED"].number in red_list and scene["YELLOW"].number not in red_list
    assert other.number not in red_list
    assert "6 items, 1 closed, 0 ongoing; completion rate 16.7%." in html


def test_the_township_panel_costs_the_same_queries_however_many_items(
    client: Client, world: World, office: User, township_user: User
) -> None:
    """The panel adds a fixed number of queries to the township page."""
    feedback = publish(world, office)
    client.force_login(township_user)
    url = world.township_a.get_absolute_url()
    few = _count_queries(client, url)
    extra_items(feedback, [timezone.localdate() - timedelta(days=n + 1) for n in range(25)])
    assert _count_queries(client, url) == few


def test_the_village_page_shows_its_items_and_the_lists_fed_back(
    client: Client, world: World, office: User, village_user: User
) -> None:
    """The village sees each item with its light and a link, and its individual list with a link to it."""
    scene = _light_scene(world, office)
    feedback = Feedback.objects.get(village=world.village_a1)
    client.force_login(village_user)
    html = client.get(world.village_a1.get_absolute_url()).content.decode()
    for item in scene.values():
        assert f'href="{item.get_absolute_url()}"' in html
    assert html.count('data-testid="village-item"') == 5
    assert 'data-light="RED"' in html and 'data-light="YELLOW"' in html
    lists = html.split('data-testid="village-lists"')[1]
    assert reverse("rectification:list-detail", args=[feedback.individual_list_id]) in lists


def test_the_village_page_shows_nothing_before_feedback(
    client: Client, world: World, office: User, village_user: User
) -> None:
    """Before publication the village sees neither list nor item."""
    ProblemFactory.create(assignment=world.assignment, status=Problem.Status.CONFIRMED)
    actions.build_individual_list(_reporting(world), world.village_a1, actor=office)
    client.force_login(village_user)
    html = client.get(world.village_a1.get_absolute_url()).content.decode()
    assert "No list has been fed back yet." in html and "No rectification items yet." in html


# The item's history and its reminders ----------------------------------------------------------------------------


def test_the_items_history_shows_its_verification_on_a_return_visit(client: Client, world: World, office: User) -> None:
    """The item's audit timeline records, in words, that a return visit verified it."""
    item = published_item(world, office)
    LedgerItem.objects.filter(pk=item.pk).update(status=Status.REVIEWED, done_on=timezone.localdate())
    item.refresh_from_db()
    verify_on_a_visit(item, office)
    assert Event.objects.for_object(item).filter(verb="rectification.item_verified").exists()
    client.force_login(office)
    timeline = client.get(item.get_absolute_url()).content.decode().split('data-testid="timeline"')[1]
    assert "Verified on a return visit" in timeline


def test_the_items_history_names_its_events_in_words(
    world: World, office: User, township_user: User, village_user: User, media: None
) -> None:
    """Every event of the chain has a readable name on the item's timeline."""
    item = submitted_item(world, office, village_user)
    actions.review_item(item, approve=True, actor=township_user)
    verbs = set(Event.objects.filter(verb__startswith="rectification.").values_list("verb", flat=True))
    assert verbs and all(verb_label(verb) != verb for verb in verbs)


def test_a_yellow_item_on_a_rest_day_deadline_is_reminded_as_due_soon(
    world: World, office: User, village_user: User, settings: pytest.FixtureRequest
) -> None:
    """Every item the badge calls yellow gets its due-soon reminder."""
    settings.XUNCHA_YELLOW_WORKING_DAYS = 10  # type: ignore[attr-defined]
    friday = date(2026, 11, 13)
    (item,) = extra_items(publish(world, office), [date(2026, 11, 28)])
    assert item.light(friday) == Light.YELLOW
    kinds = {reminder.kind for reminder in reminders_due(friday) if reminder.key == f"item:{item.pk}"}
    assert "DUE_SOON" in kinds


# In a real browser ------------------------------------------------------------------------------------------------


def _sign_out(browser_page: BrowserPage) -> None:
    browser_page.page.click("form[action$='/accounts/logout/'] button")
    browser_page.page.wait_for_url("**/accounts/login/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chain_in_a_browser(
    browser_page: BrowserPage,
    world: World,
    office: User,
    office_lead: User,
    township_user: User,
    village_user: User,
    settings: pytest.FixtureRequest,
    tmp_path: pytest.TempPathFactory,
) -> None:
    """Publish, submit with evidence, approve, verify on a visit and close: the item's page shows every step."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    item = published_item(world, office, phenomenon="2023年供水管网改造时拆除的3处消防栓至今未恢复安装。")
    page = browser_page.page

    browser_page.login("village_a1")
    browser_page.goto(world.village_a1.get_absolute_url())
    page.click(f"[data-testid=village-item][data-item='{item.pk}'] a")
    page.wait_for_url(f"**{item.get_absolute_url()}")
    form = page.locator("[data-testid=submit-form]")
    form.locator("textarea[name=text]").fill("3处消防栓已重新安装并试水成功。")
    form.locator("input[type=file]").set_input_files(
        [
            {"name": "消防栓-1.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "消防栓-2.png", "mimeType": "image/png", "buffer": png_bytes()},
        ]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=progress-step][data-kind=SUBMISSION] [data-testid=progress-evidence]")
    assert _status(item) == Status.SUBMITTED
    _sign_out(browser_page)

    browser_page.login("township_a")
    browser_page.goto(reverse("rectification:item-review"))
    page.click(f"[data-testid=review-row][data-item='{item.pk}'] a")
    page.wait_for_url(f"**{item.get_absolute_url()}")
    page.fill("[data-testid=review-form] textarea[name=reason]", "现场照片清晰，同意。")
    page.click("[data-testid=review-form] [data-testid=approve]")
    page.wait_for_selector("[data-testid=progress-step][data-kind=APPROVAL]")
    assert _status(item) == Status.REVIEWED
    _sign_out(browser_page)

    verify_on_a_visit(item, office)
    browser_page.login(office_lead.username)  # a key village's item: the director closes it
    browser_page.goto(item.get_absolute_url())
    assert "Verified by" in page.locator("[data-testid=close-checklist]").inner_text()
    page.fill("[data-testid=close-form] input[name=note]", "回访核实，予以销号。")
    page.click("[data-testid=close-form] button[type=submit]")
    page.wait_for_selector("[data-testid=progress-step][data-kind=CLOSURE]")
    assert _status(item) == Status.CLOSED
    steps = page.locator("[data-testid=progress-step]").evaluate_all("steps => steps.map(s => s.dataset.kind)")
    assert steps == ["FEEDBACK", "SUBMISSION", "APPROVAL", "CLOSURE"]
    assert page.locator("[data-testid=progress-evidence] img").count() == 2
    # Both photos load (waited for: on a busy machine they may still be arriving when the page is ready).
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=progress-evidence] img')]"
        ".every(image => image.complete && image.naturalWidth > 0)"
    )
    assert page.locator("[data-testid=item-visit-check][data-verdict=VERIFIED]").count() == 1
    # Submission, approval, verification on the visit, closure.
    assert page.locator("[data-testid=timeline] li").count() == 4
    assert "Verified on a return visit" in page.locator("[data-testid=timeline]").inner_text()
    browser_page.screenshot("ledger-chain")
    assert [error for error in browser_page.errors if "404" not in error] == []
