"""The demo's feedback and rectification: lists, receipts, ledger items carried through their stories, and return
visits, all through the rectification actions."""

from __future__ import annotations

import calendar
import io
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from xuncha.accounts.models import User
from xuncha.core.workdays import add_months, add_working_days, next_workday
from xuncha.demo import (
    archive_story,
    clock,
    data,
    deliverables_story,
    findings_data,
    handoff_story,
    rectification_data,
    reporting_story,
)
from xuncha.demo.findings_story import CHENGNAN, SHANDONG
from xuncha.demo.showcases import HYDRANTS, Item, showcase_item
from xuncha.demo.wording import aware_at, in_wan
from xuncha.findings import actions as finding_actions
from xuncha.findings.models import FixType, Problem, Suggestion
from xuncha.inspections import actions as inspection_actions
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.organisations.models import AdminUnit, VillageKind
from xuncha.rectification import actions as rectification_actions
from xuncha.rectification import closing, extensions
from xuncha.rectification.models import ExtensionRequest, LedgerItem, Receipt, ReturnVisit, VisitCheck

if TYPE_CHECKING:
    from collections.abc import Callable

IMAGES_DIR = Path(__file__).parent / "images"
RECTIFICATION_SEED = 20231130
STORY_DAY = date(2026, 11, 28)  # the day the demo's story reaches: what lies after it has not happened yet
TOWNSHIP_ACCOUNTS: dict[str, str] = {
    "450328100000": "township_longsheng",
    "450328101000": "township_piaoli",
    "450328102000": "township_sanmen",
    "450328103000": "township_longji",
    "450328104000": "township_pingdeng",
    "450328105000": "township_lejiang",
    "450328201000": "township_sishui",
    "450328202000": "township_jiangdi",
    "450328203000": "township_madi",
    "450328204000": "township_weijiang",
}
# Round 4's receipts that were never signed, for the office to chase: (village code, recipient).
UNSIGNED_RECEIPTS = {("450328204205", "VILLAGE"), ("450328203205", "TOWNSHIP")}
# Deadlines still ahead on the story's day (shifted by as many days as the demo is loaded after it).
FUTURE_DEADLINES = [date(2026, 12, 10), date(2026, 12, 31), date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30)]
# What becomes of follow-up and long-term items, by chance, in a closed round (True) and in the one still rectifying.
FATES: dict[tuple[bool, str], list[tuple[float, str]]] = {
    (True, FixType.FOLLOW_UP): [(0.80, "on_time"), (0.94, "late"), (1.0, "returned")],
    (True, FixType.LONG_TERM): [(0.62, "closed_long_term"), (1.0, "ongoing")],
    (False, FixType.FOLLOW_UP): [
        (0.60, "on_time"),
        (0.74, "late"),
        (0.79, "returned"),
        (0.88, "in_progress"),
        (0.93, "awaiting"),
        (1.0, "overdue"),
    ],
    (False, FixType.LONG_TERM): [(0.2, "closed_long_term"), (0.85, "ongoing"), (0.93, "in_progress"), (1.0, "overdue")],
}
# The order of steps on one day.
READY = ("submit", "approve")  # the moves after which an item is reported done
PHASES = {
    "plan": 1,
    "extend": 2,
    "ask_extension": 2,
    "support_extension": 2,
    "progress": 3,
    "submit": 4,
    "return": 5,
    "approve": 5,
    "visit_plan": 6,
    "visit": 7,
    "ongoing": 8,
    "close": 9,
    "round": 10,
    "archive": 11,
    "deliverable": 4,
}

Status = LedgerItem.Status
MEASURES, REPORT, DONE, SEEN = range(4)  # the parts of a way of rectifying (rectification_data.WAYS)


def _future(day: date) -> date:
    """A date ahead of the story's day, kept as far ahead when the demo is loaded later than that day."""
    return next_workday(day + max(timedelta(0), clock.real_today() - STORY_DAY))


@cache
def evidence_photos() -> list[tuple[str, bytes]]:
    """The photos a village sends with its reports (small real PNGs shipped with the demo), by file name."""
    return [(path.name, path.read_bytes()) for path in sorted(IMAGES_DIR.glob("*.png"))]


@dataclass
class _Story:
    """What happens to one ledger item: dated steps (kind, text, details), written before they are acted out."""

    item: LedgerItem
    rng: random.Random
    values: dict[str, object]
    fed_back_on: date
    fate: str = ""
    way: int = 0  # which of rectification_data.WAYS of its category
    events: list[tuple[date, str, str, dict[str, object]]] = field(default_factory=list)
    stopped: bool = False
    used: set[str] = field(default_factory=set)  # texts already used

    @property
    def last(self) -> date:
        return self.events[-1][0] if self.events else self.fed_back_on

    def add(self, on: date, kind: str, text: str = "", **details: object) -> date:
        """Add a step, never before the previous one; steps after the story's day have not happened (yet)."""
        on = max(on, add_working_days(self.last, 1))
        if on > STORY_DAY:
            self.stopped = True
        if not self.stopped:
            self.events.append((on, kind, text, details))
        return on

    def work(self, part: int) -> str:
        """A part of the story's way of rectifying its kind of problem (measures, report, done, seen)."""
        return rectification_data.ways_of(self.item.category)[self.way][part].format_map(self.values)

    def text(self, texts: dict[str, list[str]] | list[str], fallback: str = "") -> str:
        """One of the texts (of the item's category), not one this item already used while others are left."""
        choices = texts if isinstance(texts, list) else texts.get(self.item.category) or texts[fallback]
        chosen = self.rng.choice([text for text in choices if text not in self.used] or choices)
        self.used.add(chosen)
        return chosen.format_map(self.values)

    def close_event(self) -> int | None:
        return next((index for index, event in enumerate(self.events) if event[1] == "close"), None)


@dataclass
class _Visit:
    """A return visit: the items it checks; one of them may be found not fixed and reopened with a new deadline."""

    village: AdminUnit
    on: date
    stories: list[_Story] = field(default_factory=list)
    done: bool = True  # False: planned, not yet made on the story's day
    reopen: _Story | None = None
    new_deadline: date | None = None


class RectificationStory:
    """Feeds back one round and scripts and acts out the rectification of its items up to the story's day."""

    def __init__(self, round_: Round, spec: data.RoundSpec, users: dict[str, User], local: dict[str, User]) -> None:
        self.round = round_
        self.number = spec.number
        self.closes = spec.status == Round.Status.CLOSED  # earlier rounds are closed; the last one is rectifying
        self.office = users["office"]
        self.director = users["office_lead"]
        self.local = local
        self.rng = random.Random(f"{RECTIFICATION_SEED}:{spec.number}")
        self.steps: list[tuple[date, int, int, Callable[[], object]]] = []
        self.visits: list[_Visit] = []
        assignments = list(round_.assignments.select_related("group").order_by("stationed_until", "pk"))
        leaders = dict(
            Membership.objects.filter(group__round=round_, role=Membership.GroupRole.LEADER).values_list(
                "group_id", "user__display_name"
            )
        )
        self.leader_name = {assignment.pk: leaders.get(assignment.group_id, "") for assignment in assignments}
        self.assignment_of: dict[int, Assignment] = {}
        self.villages: list[AdminUnit] = []
        for assignment in assignments:
            for covered in assignment.covered.select_related("village__parent").order_by("village__code"):
                self.assignment_of[covered.village_id] = assignment
                self.villages.append(covered.village)
        # The round reports once its last group has left; the office builds the lists the next working day and
        # feeds each village back six to eight weeks after its group left (but not before the lists exist).
        reported = next_workday(max(assignment.stationed_until for assignment in assignments) + timedelta(days=1))
        self.lists_built_on = add_working_days(reported, 1)
        self.fed_back_on = {
            assignment.pk: max(
                next_workday(assignment.stationed_until + timedelta(days=self.rng.randint(42, 56))),
                add_working_days(reported, 3),
            )
            for assignment in assignments
        }

    def run(self) -> None:
        """Each step is acted out on its day, at an hour that keeps the day's steps in order."""
        reporting_story.pass_gates(self.round, self.office, self.fed_back_on)
        with clock.at(self.lists_built_on, 9):
            self._decide_pending_suggestions()
            self._build_lists()
        self._feed_back()
        with clock.at(max(self.fed_back_on.values()), 17):
            inspection_actions.move_round(self.round, Round.Status.RECTIFYING, actor=self.office)
        stories = self._stories()
        if not self.closes:
            self._pending_extensions(stories)
        self._key_visits(stories)
        self._other_visits(stories)
        self._schedule(stories)
        for on, phase, _seq, step in sorted(self.steps, key=lambda step: step[:3]):
            with clock.at(on, 8 + phase):
                step()

    # Lists and feedback -------------------------------------------------------------------------------------------

    def _decide_pending_suggestions(self) -> None:
        """Suggestions still undecided when the lists are built go to the township (they are not problems)."""
        pending = Suggestion.objects.filter(assignment__round=self.round, outcome="").select_related(
            "assignment", "village__parent"
        )
        for suggestion in pending:
            leader = (
                Membership.objects.select_related("user")
                .get(group_id=suggestion.assignment.group_id, role=Membership.GroupRole.LEADER)
                .user
            )
            township = suggestion.village.parent.short_name if suggestion.village.parent else ""
            finding_actions.decide_suggestion(
                suggestion,
                Suggestion.Outcome.NOT_ADOPTED,
                actor=leader,
                note=f"经巡察组研究，该建议属于{township}职能范围，已转交{township}党委、政府研究办理。",
            )

    def _build_lists(self) -> None:
        """The common list first (its problems leave their villages' individual lists), then each village's own."""
        problems = list(
            Problem.objects.filter(round=self.round, status=Problem.Status.CONFIRMED, notice__isnull=True)
            .exclude(village__code__in=[SHANDONG, CHENGNAN])
            .order_by("pk")
        )
        shandong = next((village for village in self.villages if village.code == SHANDONG), None)
        for category, fix_type, text, picks, extra, names_shandong in rectification_data.COMMON_ITEMS.get(
            self.number, []
        ):
            by_village: dict[int, list[Problem]] = {}
            for problem in problems:
                if problem.category == category:
                    by_village.setdefault(problem.village_id, []).append(problem)
            chosen = self.rng.sample(sorted(by_village), min(picks, len(by_village)))
            if len(chosen) < 2:
                continue
            picked = [self.rng.choice(by_village[village_id]) for village_id in chosen]
            others = [village for village in self.villages if village.pk not in chosen and village.code != SHANDONG]
            named = [village for village in self.villages if village.pk in chosen]
            named += self.rng.sample(others, min(extra, len(others)))
            if names_shandong and shandong is not None:
                named.append(shandong)
            rectification_actions.add_common_item(
                self.round,
                text=text,
                category=category,
                fix_type=fix_type,
                problems=picked,
                villages=named,
                actor=self.office,
            )
            problems = [problem for problem in problems if problem not in picked]
        for village in self.villages:
            rectification_actions.build_individual_list(self.round, village, actor=self.office)

    def _feed_back(self) -> None:
        """Publish each village's lists on its feedback day; the township and the village sign within days."""
        for village in sorted(self.villages, key=lambda v: (self.fed_back_on[self.assignment_of[v.pk].pk], v.code)):
            fed_back_on = self.fed_back_on[self.assignment_of[village.pk].pk]
            with clock.at(fed_back_on, 10):
                rectification_actions.publish_feedback(self.round, village, actor=self.office, fed_back_on=fed_back_on)
        receipts = Receipt.objects.filter(feedback__round=self.round).select_related("unit", "feedback__village")
        for receipt in receipts.order_by("feedback__fed_back_on", "feedback__village__code", "recipient"):
            if not self.closes and (receipt.feedback.village.code, receipt.recipient) in UNSIGNED_RECEIPTS:
                continue
            signed_on = next_workday(receipt.feedback.fed_back_on + timedelta(days=self.rng.randint(0, 3)))
            signed_at = aware_at(signed_on, 9 + self.rng.randint(0, 7), 30)
            with clock.at(max(signed_at, clock.moment(receipt.feedback.fed_back_on, 10, 30))):
                rectification_actions.sign_receipt(receipt, actor=self.local[receipt.unit.code], at=signed_at)

    # Scripts ------------------------------------------------------------------------------------------------------

    def _stories(self) -> list[_Story]:
        items = (
            LedgerItem.objects.filter(round=self.round)
            .select_related("round__term__county", "village__parent", "township", "feedback", "problem")
            .order_by("village__code", "number")
        )
        stories = []
        for item in items:
            rng = random.Random(f"{RECTIFICATION_SEED}:{item.number}:{item.village.code}")
            story = _Story(item, rng, self._values(item, rng), item.feedback.fed_back_on)
            drawn = rng.randrange(len(rectification_data.WAYS[item.category]))
            story.way = rectification_data.way_for(item.category, item.summary, drawn)
            showcase = showcase_item(item.village, item.summary)
            if showcase is None:
                story.fate = self._fate(story)
                getattr(self, f"_script_{story.fate}")(story)
            else:
                story.fate = "hydrant" if showcase is HYDRANTS else "showcase"
                self._script_showcase(story, showcase)
            stories.append(story)
        return stories

    def _values(self, item: LedgerItem, rng: random.Random) -> dict[str, object]:
        village = item.village
        community = village.kind == VillageKind.COMMUNITY
        profile = village.profile or {}
        industries = [name for name in str(profile.get("industries", "")).split("、") if name] or ["茶叶", "竹木"]
        if community:
            places = rng.sample(findings_data.COMPOUNDS, 2)
        else:
            places = [name + "屯" for name in rng.sample(findings_data.NATURAL_VILLAGES, 2)]
        year = self.round.start_date.year
        k, n = rng.randint(3, 9), rng.randint(12, 60)
        return {
            **(findings_data.COMMUNITY_WORDS if community else findings_data.VILLAGE_WORDS),
            "v": village.short_name,
            "t": village.parent.short_name if village.parent else "",
            "g": self.assignment_of[village.pk].group.name,
            "co": f"{village.short_name}{industries[0]}专业合作社",
            "tun": places[0],
            "tun2": places[1],
            "ind": industries[0],
            "ind2": industries[-1],
            "ry": year,
            "y": year - 1,
            "a": f"{rng.randrange(1200, 9800, 10):,}元",
            "a2": f"{rng.randrange(600, 5000, 10):,}元",
            "b": in_wan(rng.randrange(12000, 98000, 100)),
            "k": k,
            "k2": rng.randint(1, k - 1),
            "f": rng.randint(1, 3),
            "n": n,
            "n2": n - rng.randint(2, 8),
            "h": rng.randint(8, 60),
            "mu": rng.randint(30, 600),
            "p": rng.randint(60, 90),
            "q": rng.randint(1, 4),
        }

    @staticmethod
    def _script_showcase(story: _Story, showcase: Item) -> None:
        """A showcase item's steps as ``showcases`` writes them (deadlines ahead of the story's day move with the
        day the demo is loaded)."""
        for step in showcase.steps:
            details = step.details()
            if step.deadline is not None and step.deadline > STORY_DAY:
                details["deadline"] = _future(step.deadline)
            story.add(step.on, step.verb, step.text, **details)

    def _fate(self, story: _Story) -> str:
        item, chance = story.item, story.rng.random()
        if item.fix_type == FixType.IMMEDIATE:
            return "fixed" if item.status == Status.SUBMITTED else "immediate"
        return next(fate for limit, fate in FATES[self.closes, item.fix_type] if chance < limit)

    def _plan(self, story: _Story, on: date, measures: str = "", goal: str = "") -> date:
        return story.add(
            on,
            "plan",
            measures or story.work(MEASURES),
            goal=goal or story.text(rectification_data.GOALS),
        )

    def _submit(self, story: _Story, on: date, text: str = "", *, evidence: bool = True) -> date:
        return story.add(on, "submit", text or story.work(DONE), evidence=evidence)

    def _approve(self, story: _Story, on: date, text: str = "") -> date:
        return story.add(on, "approve", text or story.text(rectification_data.APPROVALS))

    def _close(self, story: _Story, on: date, text: str = "") -> date:
        return story.add(on, "close", text or story.text(rectification_data.CLOSURES))

    def _reviewed_and_closed(self, story: _Story, submitted: date) -> None:
        reviewed = self._approve(story, add_working_days(submitted, story.rng.randint(2, 6)))
        self._close(story, add_working_days(reviewed, story.rng.randint(1, 4)))

    def _script_fixed(self, story: _Story) -> None:
        """Fixed on the spot while the group was there: the township confirms it, the office closes it."""
        self._reviewed_and_closed(story, add_working_days(story.fed_back_on, story.rng.randint(1, 6)))

    def _script_immediate(self, story: _Story) -> None:
        """An immediate fix not finished while the group was there (or a common one): done within weeks."""
        rng = story.rng
        planned = self._plan(story, add_working_days(story.fed_back_on, rng.randint(1, 4)))
        submitted = self._submit(story, add_working_days(planned, rng.randint(5, 15)))
        self._reviewed_and_closed(story, submitted)

    def _start(self, story: _Story, *, report: float = 0.2) -> date:
        """The plan within the three weeks the village has for it, and perhaps a first report."""
        rng = story.rng
        planned = self._plan(story, add_working_days(story.fed_back_on, rng.randint(3, 12)))
        if rng.random() < report:
            return story.add(add_working_days(planned, rng.randint(8, 18)), "progress", story.work(REPORT))
        return planned

    def _script_on_time(self, story: _Story) -> None:
        rng = story.rng
        self._start(story)
        early = rng.randint(30, 45) if story.item.needs_return_visit else rng.randint(18, 35)  # time for the visit
        submitted = self._submit(story, next_workday(story.item.deadline - timedelta(days=early)))
        self._reviewed_and_closed(story, submitted)

    def _script_late(self, story: _Story) -> None:
        rng = story.rng
        self._start(story, report=0)
        deadline = story.item.deadline
        story.add(next_workday(deadline - timedelta(days=rng.randint(5, 15))), "progress", story.work(REPORT))
        self._reviewed_and_closed(story, self._submit(story, next_workday(deadline + timedelta(rng.randint(10, 75)))))

    def _script_returned(self, story: _Story) -> None:
        """The township sends the first submission back; the village completes it."""
        rng = story.rng
        self._start(story)
        submitted = self._submit(story, next_workday(story.item.deadline - timedelta(days=rng.randint(20, 35))))
        returned = story.add(
            add_working_days(submitted, rng.randint(3, 6)), "return", story.text(rectification_data.RETURNS)
        )
        again = rectification_data.RESUBMISSION.format_map(story.values) + story.work(DONE)
        self._reviewed_and_closed(
            story, self._submit(story, add_working_days(returned, rng.randint(4, 10)), again, evidence=False)
        )

    def _long_term_start(self, story: _Story) -> date:
        """Planned, worked on, submitted and approved; the office then keeps it ongoing with periodic reports."""
        rng = story.rng
        self._start(story, report=0.4)
        submitted = self._submit(story, next_workday(story.item.deadline + timedelta(days=rng.randint(-12, 8))))
        approved = self._approve(story, add_working_days(submitted, rng.randint(2, 6)))
        return story.add(
            add_working_days(approved, rng.randint(2, 5)), "ongoing", story.text(rectification_data.ONGOING_NOTES)
        )

    def _periodic(self, story: _Story, since: date, count: int | None = None) -> date:
        """Yearly reports; ``count`` of them, or all up to the story's day."""
        months, reported = 12, since
        while count is None or count > 0:
            day = add_months(since, months)
            if day > STORY_DAY:
                break
            texts = rectification_data.PERIODIC.get(story.item.category, []) + rectification_data.PERIODIC[""]
            reported = story.add(day, "progress", story.text(texts))
            months += 12
            count = None if count is None else count - 1
        return reported

    def _script_ongoing(self, story: _Story) -> None:
        self._periodic(story, self._long_term_start(story))

    def _script_closed_long_term(self, story: _Story) -> None:
        reported = self._periodic(story, self._long_term_start(story), story.rng.randint(1, 3))
        self._close(
            story,
            add_working_days(reported, story.rng.randint(8, 20)),
            story.text(rectification_data.LONG_TERM_CLOSURES),
        )

    def _extend(self, story: _Story, on: date, deadline: date, reason: str = "") -> date:
        return story.add(on, "extend", reason or story.text(rectification_data.EXTENSIONS), deadline=deadline)

    def _extended_twice(self, story: _Story, final: date) -> date:
        """Still at work long after feedback: granted more time at the deadline, then again, into the future."""
        rng = story.rng
        reports = [story.work(REPORT), story.text(rectification_data.LATER), story.text(rectification_data.LATER)]
        planned = self._plan(story, add_working_days(story.fed_back_on, rng.randint(3, 10)))
        story.add(add_working_days(planned, rng.randint(10, 30)), "progress", reports[0])
        # The first extension stays within the director's limits (XUNCHA_EXTENSIONS_MAX_DAYS); the second, long after,
        # goes beyond them and is the leading group's decision.
        first = add_months(story.item.deadline, rng.choice([2, 3, 4, 5]))
        early = next_workday(story.item.deadline - timedelta(days=rng.randint(3, 10)))
        extended = self._extend(story, early, first)
        story.add(add_months(extended, rng.randint(6, 10)), "progress", reports[1])
        again = story.text(rectification_data.EXTENSIONS_AGAIN)
        # Asked before the first new deadline, or, when the final date lies too far ahead to be asked for then, later,
        # once the item has run late (a deadline is never set more than three years ahead).
        asked_on = max(
            next_workday(first - timedelta(days=rng.randint(5, 15))), next_workday(final - timedelta(days=3 * 365 - 30))
        )
        self._extend(story, asked_on, final, again)
        return story.add(next_workday(STORY_DAY - timedelta(days=rng.randint(15, 90))), "progress", reports[2])

    def _script_in_progress(self, story: _Story) -> None:
        self._extended_twice(story, _future(story.rng.choice(FUTURE_DEADLINES)))

    def _script_awaiting(self, story: _Story) -> None:
        """Extended, then submitted in the last weeks: awaiting the township's review or the office's closure."""
        rng = story.rng
        self._extended_twice(story, _future(rng.choice(FUTURE_DEADLINES[2:])))
        submitted = self._submit(story, next_workday(STORY_DAY - timedelta(days=rng.randint(4, 18))))
        if rng.random() < 0.5:
            self._approve(story, min(add_working_days(submitted, rng.randint(1, 3)), STORY_DAY))

    def _script_overdue(self, story: _Story) -> None:
        """Extended once into this year and still not done; perhaps submitted and sent back."""
        rng = story.rng
        self._start(story, report=1)
        month = rng.randint(3, 9)
        deadline = next_workday(date(STORY_DAY.year, month, calendar.monthrange(STORY_DAY.year, month)[1]))
        self._extend(story, next_workday(story.item.deadline - timedelta(days=rng.randint(3, 10))), deadline)
        if rng.random() < 0.3:
            submitted = self._submit(story, next_workday(deadline - timedelta(days=rng.randint(5, 20))))
            story.add(add_working_days(submitted, rng.randint(3, 8)), "return", story.text(rectification_data.RETURNS))
        story.add(
            next_workday(STORY_DAY - timedelta(days=rng.randint(10, 40))),
            "progress",
            story.text(rectification_data.STUCK),
        )

    @staticmethod
    def _pending_extensions(stories: list[_Story]) -> None:
        """Two items of the round still rectifying ask for more time again in the story's last days: one request
        waits for its township, the other, supported, for the office director (a third extension: the leading group
        decides)."""
        asking = [
            story
            for story in sorted(stories, key=_number)
            if story.fate == "in_progress" and story.last <= STORY_DAY - timedelta(days=20)
        ]
        for index, story in enumerate(asking[:2]):
            extended = [details["deadline"] for _on, kind, _text, details in story.events if kind == "extend"]
            if not extended or not isinstance(extended[-1], date):
                continue
            new_deadline = add_months(extended[-1], 3)
            asked = story.add(
                next_workday(STORY_DAY - timedelta(days=12)),
                "ask_extension",
                story.text(rectification_data.EXTENSIONS_AGAIN),
                deadline=new_deadline,
            )
            if index == 1:
                story.add(add_working_days(asked, 2), "support_extension", rectification_data.EXTENSION_SUPPORTED)

    # Return visits -------------------------------------------------------------------------------------------------

    def _key_visits(self, stories: list[_Story]) -> None:
        """In a key village an item closes only after a return visit verified it: the office visits as items are
        reviewed, a visit checking whatever was reviewed in the weeks before it, and closes them after the visit.
        Items still open in a round that is rectifying wait for a visit planned for next month."""
        by_village: dict[int, list[_Story]] = {}
        waiting: dict[int, list[_Story]] = {}
        for story in stories:
            if not story.item.needs_return_visit:
                continue
            if story.close_event() is not None:
                by_village.setdefault(story.item.village_id, []).append(story)
            elif not self.closes and all(kind != "ongoing" for _on, kind, _text, _details in story.events):
                waiting.setdefault(story.item.village_id, []).append(story)
        for village_stories in by_village.values():
            visits: list[_Visit] = []
            for story in sorted(village_stories, key=lambda story: (self._before_closure(story), story.item.number)):
                before, index = self._before_closure(story), story.close_event()
                assert index is not None  # noqa: S101 - chosen for it
                visit = next((v for v in visits if before < v.on <= before + timedelta(days=40)), None)
                if visit is None:
                    visit = _Visit(story.item.village, add_working_days(before, self.rng.randint(4, 10)))
                    if visit.on >= STORY_DAY:
                        del story.events[index:]
                        continue
                    visits.append(visit)
                visit.stories.append(story)
                closed = max(story.events[index][0], add_working_days(visit.on, self.rng.randint(1, 3)))
                if closed > STORY_DAY:
                    del story.events[index:]
                    continue
                text = story.events[index][2]
                if story.fate not in ("hydrant", "closed_long_term"):
                    text = story.text(rectification_data.CLOSURES_AFTER_VISIT)
                story.events[index] = (closed, "close", text, {})
            self.visits.extend(visits)
        for village_stories in waiting.values():
            # A visit checks work reported done: only items submitted or reviewed by the story's day wait for it.
            ready = [story for story in village_stories if story.events and story.events[-1][1] in READY]
            if ready:
                self.visits.append(_Visit(ready[0].item.village, _future(date(2026, 12, 8)), ready, done=False))

    @staticmethod
    def _before_closure(story: _Story) -> date:
        index = story.close_event()
        return story.events[index - 1][0] if index else story.fed_back_on

    def _other_visits(self, stories: list[_Story]) -> None:
        """Half a year on the office also visits some general villages, checks items already closed and asks the
        residents; in rounds 2 and 4 one item turns out not to hold and is reopened."""
        by_village: dict[int, list[_Story]] = {}
        for story in stories:
            if not story.item.needs_return_visit and story.close_event() is not None:
                by_village.setdefault(story.item.village_id, []).append(story)
        reopen = self.number in (2, 4)
        for village_id in sorted(self.rng.sample(sorted(by_village), max(1, len(by_village) // 4))):
            village_stories = by_village[village_id]
            day = next_workday(village_stories[0].fed_back_on + timedelta(days=self.rng.randint(150, 270)))
            closed = [story for story in village_stories if story.events[-1][0] < day - timedelta(days=5)]
            if day > STORY_DAY - timedelta(days=70) or not closed:
                continue
            checked = sorted(self.rng.sample(closed, min(len(closed), self.rng.randint(3, 5))), key=_number)
            visit = _Visit(checked[0].item.village, day, checked)
            again = next((story for story in checked if story.fate == "on_time"), None)
            if reopen and again is not None:
                reopen = False
                visit.reopen, visit.new_deadline = again, add_months(day, 2)
                again.add(
                    add_working_days(day, again.rng.randint(8, 15)), "progress", again.text(rectification_data.REWORK)
                )
                done = rectification_data.REDONE.format_map(again.values) + again.work(DONE)
                submitted = self._submit(again, add_working_days(day, again.rng.randint(25, 35)), done, evidence=False)
                self._reviewed_and_closed(again, submitted)
            self.visits.append(visit)

    # Acting it out -------------------------------------------------------------------------------------------------

    def _schedule(self, stories: list[_Story]) -> None:
        sequence = itertools.count()

        def step(on: date, phase: str, action: Callable[[], object]) -> None:
            self.steps.append((on, PHASES[phase], next(sequence), action))

        for story in stories:
            for on, kind, text, details in story.events:
                step(on, kind, partial(self._act, story, kind, on, text, details))
            if story.fate == "hydrant":
                handoff_story.schedule(story.item, story.fed_back_on, self.office, step)
                deliverables_story.schedule_departments(
                    self.round,
                    max(handoff_story.HYDRANT_HAND_OFF, add_working_days(story.fed_back_on, 1)),
                    self.office,
                    step,
                )
        deliverables_story.schedule(self.round, self.local, self.office, step)
        for visit in self.visits:
            planned = visit.on - timedelta(days=self.rng.randint(5, 12))
            planned = min(max(planned, *(self._ready_on(story, visit) for story in visit.stories)), STORY_DAY)
            made: list[ReturnVisit] = []
            step(planned, "visit_plan", partial(self._plan_visit, visit, made))
            if visit.done:
                step(visit.on, "visit", partial(self._record_visit, visit, made))
        if self.closes:
            last = max(
                on
                for story in stories
                if story.item.fix_type != FixType.LONG_TERM
                for on, kind, _text, _details in story.events
                if kind == "close"
            )
            closed_on = add_working_days(last, self.rng.randint(5, 15))
            step(closed_on, "round", self._close_round)
            if self.number in archive_story.ARCHIVED_ROUNDS:
                step(self._filed_on(stories, closed_on), "archive", partial(archive_story.file_round, self.round))

    def _filed_on(self, stories: list[_Story], closed_on: date) -> date:
        """The day the round is filed: after its close and the last step of any item that is not long-term (long-term
        items go on reporting in an archived round)."""
        settled = [on for story in stories if story.item.fix_type != FixType.LONG_TERM for on, *_rest in story.events]
        settled += [
            visit.on
            for visit in self.visits
            if any(story.item.fix_type != FixType.LONG_TERM for story in visit.stories)
        ]
        return add_working_days(max([closed_on, *settled]), archive_story.ARCHIVE_AFTER_WORKDAYS)

    @staticmethod
    def _ready_on(story: _Story, visit: _Visit) -> date:
        """The day the item was last reported done before the visit (a visit is planned only for work reported done)."""
        reported = [on for on, kind, _text, _details in story.events if kind in READY and on <= visit.on]
        return max(reported, default=story.fed_back_on)

    def _close_round(self) -> None:
        inspection_actions.move_round(self.round, Round.Status.CLOSED, actor=self.office)

    def _act(self, story: _Story, kind: str, on: date, text: str, details: dict[str, object]) -> None:
        item = story.item
        village, township = self.local[item.village.code], self.local[item.township.code]
        if kind == "plan":
            leader = f"{village.display_name}（{village.title}）"
            rectification_actions.plan_item(
                item, measures=text, goal=str(details["goal"]), responsible_leader=leader, actor=village, on=on
            )
        elif kind == "progress":
            rectification_actions.report_progress(item, text=text, actor=village, on=on)
        elif kind == "submit":
            files = [self._evidence(item, on)] if details.get("evidence") else []
            rectification_actions.submit_item(item, text=text, actor=village, files=files, on=on)
        elif kind in ("approve", "return"):
            rectification_actions.review_item(item, approve=kind == "approve", actor=township, reason=text, on=on)
        elif kind in ("extend", "ask_extension"):
            deadline = details["deadline"]
            assert isinstance(deadline, date)  # noqa: S101 - scripted so
            asked = rectification_actions.request_extension(
                item, new_deadline=deadline, reason=text, actor=village, on=on
            )
            if kind == "extend":
                self._grant_extension(asked, township, on)
        elif kind == "support_extension":
            waiting = ExtensionRequest.objects.get(item=item, status=ExtensionRequest.Status.ASKED)
            rectification_actions.review_extension(waiting, support=True, actor=township, note=text, on=on)
        elif kind == "ongoing":
            rectification_actions.make_ongoing(item, actor=self.office, note=text, on=on)
        else:
            # Four eyes: the director closes what the clerk verified on a visit, and the items only a director closes.
            item.refresh_from_db(fields=["verified_by", "failed_visits"])
            closer = self.director if closing.why_not_close_by(self.office, item) else self.office
            rectification_actions.close_item(item, actor=closer, closed_on=on, note=text)

    def _grant_extension(self, asked: ExtensionRequest, township: User, on: date) -> None:
        """The township supports the village's request and the office director approves it; beyond the limits the
        director records the leading group's decision, taken at its meeting that day."""
        rectification_actions.review_extension(
            asked, support=True, actor=township, note=rectification_data.EXTENSION_SUPPORTED, on=on
        )
        beyond = extensions.why_beyond_limits(asked.item, asked.new_deadline) is not None
        rectification_actions.decide_extension(
            asked,
            approve=True,
            actor=self.director,
            on=on,
            note="" if beyond else rectification_data.EXTENSION_APPROVED,
            by_leading_group=beyond,
            meeting_on=on if beyond else None,
            minutes=rectification_data.LEADING_GROUP_MINUTES.format(date=asked.new_deadline) if beyond else "",
        )

    @staticmethod
    def _evidence(item: LedgerItem, on: date) -> tuple[IO[bytes], str, int]:
        photos = evidence_photos()
        _name, content = photos[item.pk % len(photos)]
        return io.BytesIO(content), f"{item.village.short_name}整改佐证{on:%Y%m%d}.png", len(content)

    def _visitors(self, village: AdminUnit) -> str:
        assignment = self.assignment_of[village.pk]
        township = self.local[village.parent.code] if village.parent else None
        people = [f"县委巡察办{self.office.display_name}", f"{assignment.group.name}{self.leader_name[assignment.pk]}"]
        if township is not None:
            people.append(f"{township.title.removesuffix('党委副书记')}党委{township.display_name}")
        return "，".join(people)

    def _plan_visit(self, visit: _Visit, made: list[ReturnVisit]) -> None:
        made.append(
            rectification_actions.plan_visit(
                visit.village,
                planned_on=visit.on,
                items=[story.item for story in visit.stories],
                actor=self.office,
                visitors=self._visitors(visit.village),
            )
        )

    def _record_visit(self, visit: _Visit, made: list[ReturnVisit]) -> None:
        verdicts: dict[int, tuple[str, str, date | None]] = {}
        hydrant = None
        for story in visit.stories:
            if story is visit.reopen:
                note = rectification_data.REOPEN_NOTE.format_map(story.values)
                verdicts[story.item.pk] = (VisitCheck.Verdict.REOPEN, note, visit.new_deadline)
            elif story.fate == "hydrant":
                hydrant = story
                note = rectification_data.HYDRANT_CHECK.format_map(story.values)
                verdicts[story.item.pk] = (VisitCheck.Verdict.VERIFIED, note, None)
            else:
                verdicts[story.item.pk] = (VisitCheck.Verdict.VERIFIED, story.work(SEEN), None)
        asked = self.rng.randint(12, 40)
        satisfied = asked - self.rng.choices([0, 1, 2, 3, 5], [30, 30, 20, 12, 8])[0]
        summary = self.rng.choice(rectification_data.VISIT_SUMMARIES)
        if hydrant is not None:
            asked, satisfied, summary = 36, 34, rectification_data.HYDRANT_SUMMARY
        values = {**visit.stories[0].values, "checked": len(visit.stories), "asked": asked, "satisfied": satisfied}
        rectification_actions.record_visit(
            made[0],
            visited_on=visit.on,
            verdicts=verdicts,
            people_asked=asked,
            people_satisfied=satisfied,
            actor=self.office,
            note=summary.format_map({**values, "others": len(visit.stories) - 1}),
        )


def _number(story: _Story) -> str:
    return story.item.number
