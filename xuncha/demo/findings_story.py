"""The demo's on-site work: the problems, notices, petitions, suggestions and clues of each assignment, recorded
through the findings actions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from xuncha.accounts.models import User
from xuncha.core import workdays
from xuncha.demo import clock, data, findings_data, problem_texts, reporting_story
from xuncha.demo.wording import aware_at, cn_date, in_wan
from xuncha.findings import actions as finding_actions
from xuncha.findings.models import Category as ProblemCategory
from xuncha.findings.models import Clue, FixType, Petition, Problem, Suggestion
from xuncha.inspections.models import Assignment, Membership, Round
from xuncha.organisations.models import AdminUnit, Category, VillageKind

if TYPE_CHECKING:
    pass

FINDINGS_SEED = 15732
TERM_PROBLEMS = 732  # problems that count (not discarded) in the term, as Longsheng published
SHANDONG = "450328100212"
CHENGNAN = findings_data.CHENGNAN_CODE
PROBLEMS_PER_VILLAGE = {Category.KEY: (10, 15), Category.GENERAL: (5, 12)}
# 山东村's papers besides its suggestions: (category, index into problem_texts.PHENOMENA, fix type).
SHANDONG_PAPERS = [("STYLE", 0, FixType.FOLLOW_UP), ("ASSETS", 4, FixType.IMMEDIATE), ("FINANCE", 4, FixType.FOLLOW_UP)]

# How often each kind of problem is found (corruption is rare, finances and assets are the bulk).
CATEGORY_WEIGHTS: dict[str, int] = {
    "FINANCE": 17,
    "ASSETS": 14,
    "PARTY_ORG": 13,
    "PROJECT": 12,
    "BENEFIT": 12,
    "DISCLOSURE": 8,
    "STYLE": 7,
    "POLICY": 6,
    "SAFETY_LIVELIHOOD": 5,
    "PRIOR_RECTIFICATION": 3,
    "INDUSTRY": 3,
    "CORRUPTION": 2,
}
# Weights of IMMEDIATE, FOLLOW_UP and LONG_TERM per category.
FIX_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "FINANCE": (35, 60, 5),
    "ASSETS": (20, 70, 10),
    "PROJECT": (15, 75, 10),
    "BENEFIT": (40, 55, 5),
    "PARTY_ORG": (25, 50, 25),
    "DISCLOSURE": (60, 35, 5),
    "STYLE": (40, 45, 15),
    "CORRUPTION": (0, 100, 0),
    "SAFETY_LIVELIHOOD": (45, 45, 10),
    "POLICY": (20, 55, 25),
    "PRIOR_RECTIFICATION": (15, 75, 10),
    "INDUSTRY": (5, 45, 50),
}
FIX_TYPES = (FixType.IMMEDIATE, FixType.FOLLOW_UP, FixType.LONG_TERM)
# Weights of TALK, DOCUMENTS and VISIT per category (petitions and suggestions are the other two sources).
SOURCE_WEIGHTS: dict[str, tuple[int, int, int]] = {
    "FINANCE": (15, 75, 10),
    "ASSETS": (20, 55, 25),
    "PROJECT": (15, 45, 40),
    "BENEFIT": (25, 45, 30),
    "PARTY_ORG": (40, 55, 5),
    "DISCLOSURE": (15, 35, 50),
    "STYLE": (55, 10, 35),
    "CORRUPTION": (50, 40, 10),
    "SAFETY_LIVELIHOOD": (15, 10, 75),
    "POLICY": (25, 35, 40),
    "PRIOR_RECTIFICATION": (15, 70, 15),
    "INDUSTRY": (35, 20, 45),
}
SOURCES = (Problem.Source.TALK, Problem.Source.DOCUMENTS, Problem.Source.VISIT)
# Channels of petitions and how often their senders give their names.
PETITION_CHANNELS: dict[str, tuple[int, float]] = {
    Petition.Channel.LETTER: (30, 0.5),
    Petition.Channel.PHONE: (25, 0.4),
    Petition.Channel.VISIT: (30, 0.85),
    Petition.Channel.MAILBOX: (10, 0.1),
    Petition.Channel.EMAIL: (5, 0.5),
}
# How the group notes the channel before a resident's words, or before a summary that starts with a verb (反映…).
CHANNEL_PREFIX: dict[str, str] = {
    Petition.Channel.PHONE: "来电反映：",
    Petition.Channel.VISIT: "来访反映：",
    Petition.Channel.MAILBOX: "意见箱来信：",
}
CHANNEL_VERB: dict[str, str] = {
    Petition.Channel.PHONE: "来电",
    Petition.Channel.VISIT: "来访",
    Petition.Channel.LETTER: "来信",
    Petition.Channel.MAILBOX: "意见箱来信",
    Petition.Channel.EMAIL: "来信",
}
SUMMARY_VERBS = ("反映", "咨询", "询问", "实名反映")

# The 13 clues of the term: round, source, how far the discipline commission has taken it, and its disposal.
CLUE_PLAN: list[tuple[int, str, str, str]] = [
    (1, Clue.Source.PROBLEM, Clue.Status.FEEDBACK, Clue.Disposal.CASE),
    (1, Clue.Source.PETITION, Clue.Status.FEEDBACK, Clue.Disposal.TALK_INQUIRY),
    (1, Clue.Source.TALK, Clue.Status.FEEDBACK, Clue.Disposal.CLOSED),
    (2, Clue.Source.PROBLEM, Clue.Status.FEEDBACK, Clue.Disposal.PRELIMINARY),
    (2, Clue.Source.PROBLEM, Clue.Status.DISPOSED, Clue.Disposal.CASE),
    (2, Clue.Source.PETITION, Clue.Status.DISPOSED, Clue.Disposal.TALK_INQUIRY),
    (2, Clue.Source.PROBLEM, Clue.Status.DISPOSED, Clue.Disposal.SHELVED),
    (3, Clue.Source.PROBLEM, Clue.Status.DISPOSED, Clue.Disposal.PRELIMINARY),
    (3, Clue.Source.PETITION, Clue.Status.RECEIVED, ""),
    (3, Clue.Source.TALK, Clue.Status.RECEIVED, ""),
    (4, Clue.Source.PROBLEM, Clue.Status.RECEIVED, ""),
    (4, Clue.Source.PROBLEM, Clue.Status.TRANSFERRED, ""),
    (4, Clue.Source.PETITION, Clue.Status.TRANSFERRED, ""),
]
CLUE_ORDER = [Clue.Status.TRANSFERRED, Clue.Status.RECEIVED, Clue.Status.DISPOSED, Clue.Status.FEEDBACK]
OTHER_SUGGESTION_VILLAGES = 10
DISCARDED_DRAFTS = 6


def round_villages(spec: data.RoundSpec) -> list[str]:
    return [code for _group, _mode, target, villages, *_rest in spec.assignments for code in (villages or [target])]


@dataclass
class _TermPlan:
    """What the term will hold, fixed before the rounds are built so that the totals come out exactly."""

    counts: dict[str, int]  # village code → problems that count
    clues: dict[str, list[tuple[str, str, str]]]  # village code → (source, status, disposal)
    suggestions: dict[str, list[int]]  # village code → indexes into findings_data.OTHER_SUGGESTIONS
    undecided: dict[str, list[int]]  # village code → suggestions the group has not decided yet
    discards: set[str]  # villages with one discarded draft


def _term_plan(live: int) -> _TermPlan:
    """The earlier rounds' share of the term: its 732 problems but the ``live`` ones of the rounds at work today."""
    rng = random.Random(FINDINGS_SEED)
    by_round = {spec.number: round_villages(spec) for spec in data.ROUNDS}
    villages = [code for codes in by_round.values() for code in codes]

    def bounds(code: str) -> tuple[int, int]:
        return PROBLEMS_PER_VILLAGE[Category.KEY if code in data.KEY_VILLAGES else Category.GENERAL]

    counts = {code: rng.randint(*bounds(code)) for code in villages}
    counts[SHANDONG], counts[CHENGNAN] = 15, 14
    free = [code for code in villages if code not in (SHANDONG, CHENGNAN)]
    while gap := TERM_PROBLEMS - sum(counts.values()):
        code = rng.choice(free)
        low, high = bounds(code)
        counts[code] = min(high, max(low, counts[code] + (1 if gap > 0 else -1)))
    clues: dict[str, list[tuple[str, str, str]]] = {}
    for round_number, source, status, disposal in CLUE_PLAN:
        candidates = [code for code in by_round[round_number] if code in free and code not in clues]
        clues[rng.choice(candidates)] = [(source, status, disposal)]
    # The last assignment of the last round has just left its villages: two suggestions wait for the leader.
    late = data.ROUNDS[-1].assignments[-1][3]
    undecided = {late[0]: rng.sample(range(len(findings_data.OTHER_SUGGESTIONS)), 2)}
    suggestions = {
        code: rng.sample(range(len(findings_data.OTHER_SUGGESTIONS)), rng.randint(2, 4))
        for code in rng.sample([code for code in free if code not in undecided], OTHER_SUGGESTION_VILLAGES)
    }
    discards = set(rng.sample(free, DISCARDED_DRAFTS))
    # The live rounds' papers count in the term too: as many fewer in the earlier rounds, taken one each from
    # villages without a clue (by a draw of their own, so that the rest of the plan stays as it was).
    spare = [code for code in free if code not in clues and counts[code] > bounds(code)[0]]
    for code in random.Random(FINDINGS_SEED + live).sample(spare, live):
        counts[code] -= 1
    return _TermPlan(counts, clues, suggestions, undecided, discards)


@dataclass
class _Paper:
    """A working paper to write: generic, from petitions, or the hydrant of 城南社区."""

    village: AdminUnit
    category: str
    phenomenon: str
    basis: str
    responsibility: str
    source: str
    fix_type: str
    found_on: date
    finder: User
    values: dict[str, object]
    discard: str = ""
    clue: tuple[str, str, str, str] | None = None  # subject, summary, status, disposal
    wording: str = ""  # what the paper says once its facts went to the clue (fit for feedback)
    notice: tuple[date, date, date | None, str, str] | None = None  # issued, deadline, completed, requirement, note
    problem: Problem | None = None


@dataclass
class _PetitionSpec:
    village: AdminUnit
    channel: str
    category: str
    text: str
    plain: str  # the text without the channel's note
    name: str
    phone: str
    received: datetime
    recorder: User
    disposition: str
    note: str = ""
    paper: _Paper | None = None
    duplicate_of: _PetitionSpec | None = None
    clue: tuple[str, str, str, str] | None = None
    values: dict[str, object] = field(default_factory=dict)
    petition: Petition | None = None


@dataclass
class _SuggestionSpec:
    village: AdminUnit
    topic: str
    proposer: str
    text: str
    received_on: date
    recorder: User
    outcome: str
    note: str
    key: str  # suggestions with the same key are adopted as one problem
    decide_on: date
    values: dict[str, object]
    suggestion: Suggestion | None = None


class FindingsStory:
    """Records the findings of every round of the term, in the order a group works."""

    def __init__(self, users: dict[str, User], today: date) -> None:
        live = data.live_rounds(today)
        self.today = today
        self.plan = _term_plan(sum(sum(spec.problems.values()) for spec in live))
        # The live rounds write only the papers they name: no clues, suggestions or discarded drafts (yet).
        self.live_plans = {spec.number: _TermPlan(dict(spec.problems), {}, {}, {}, set()) for spec in live}
        self.users_by_id = {user.pk: user for user in users.values()}
        self.office_lead = users["office_lead"]
        self.discipline = users["discipline"]
        self.transfers: dict[int, int] = {}
        self.final_status = {spec.number: spec.status for spec in data.ROUNDS + live}

    def record_round(self, round_: Round) -> None:
        assignments = round_.assignments.select_related("group", "target").order_by(
            "stationed_from", "group__number", "pk"
        )
        for assignment in assignments:
            assignment.round = round_  # the instance whose status the round's moves keep up to date
            _AssignmentFindings(self, assignment).record()

    def transfer_number(self, year: int) -> str:
        self.transfers[year] = self.transfers.get(year, 0) + 1
        return f"龙巡办移〔{year}〕{self.transfers[year]}号"


class _AssignmentFindings:
    """One assignment's stationing: intake of petitions and suggestions, papers, the group meeting, notices, clues."""

    def __init__(self, findings: FindingsStory, assignment: Assignment) -> None:
        self.findings = findings
        self.assignment = assignment
        self.round_year = assignment.round.start_date.year
        self.live = assignment.round.number in findings.live_plans
        self.plan = findings.live_plans.get(assignment.round.number, findings.plan)
        self.on_site = findings.final_status[assignment.round.number] == Round.Status.STATIONED
        memberships = list(Membership.objects.filter(group_id=assignment.group_id).order_by("pk"))
        users = findings.users_by_id
        self.leader = next(users[m.user_id] for m in memberships if m.role == Membership.GroupRole.LEADER)
        self.members = [users[m.user_id] for m in memberships if m.role != Membership.GroupRole.LEADER]
        # The days on site: the calendar's working days but its make-up Saturdays and Sundays (调休), on which the
        # demo's groups hold no talks (the stories of the showcase villages are written for those days).
        stationing = workdays.working_days_in(assignment.stationed_from, assignment.stationed_until)
        self.days = [day for day in stationing if day.weekday() < 5]
        if self.on_site:  # the group is still there: what it found so far, up to yesterday
            self.days = [day for day in self.days if day < findings.today] or [assignment.stationed_from]
        self.villages = [
            covered.village
            for covered in assignment.covered.select_related("village__parent").order_by("village__code")
        ]
        self.papers: list[_Paper] = []
        self.petitions: list[_PetitionSpec] = []
        self.suggestions: list[_SuggestionSpec] = []
        self.talk_clues: list[tuple[AdminUnit, str, str, str, str, dict[str, object]]] = []
        self.adopted: dict[str, Problem] = {}

    # Planning the village's findings ------------------------------------------------------------------------------

    def record(self) -> None:
        """Each step on its day: petitions and suggestions as they come in, papers as they are written, notices as
        they are issued; the group meeting, the petitions' dispositions and the clues on the last day of stationing.
        A group still on site has only taken petitions and written drafts so far."""
        for village in self.villages:
            _VillagePlanner(self, village).plan()
        self._intake()
        self._write_papers()
        if self.on_site:
            return
        self._notices()
        with clock.at(self.assignment.stationed_until, 17, 30):
            self._group_meeting()
            self._settle_petitions()
        with clock.at(self.assignment.stationed_until, 18, 30):
            self._clues()

    # Acting through the findings actions --------------------------------------------------------------------------

    def _intake(self) -> None:
        for spec in sorted(self.petitions, key=lambda spec: spec.received):
            with clock.at(spec.received):
                spec.petition = self._record_petition(spec)
        for suggestion in sorted(self.suggestions, key=lambda spec: spec.received_on):
            with clock.at(suggestion.received_on, 10, 30):
                suggestion.suggestion = finding_actions.record_suggestion(
                    self.assignment,
                    suggestion.village,
                    topic=suggestion.topic,
                    text=suggestion.text,
                    actor=suggestion.recorder,
                    proposer=suggestion.proposer,
                    received_on=suggestion.received_on,
                )

    def _record_petition(self, spec: _PetitionSpec) -> Petition:
        return finding_actions.record_petition(
            self.assignment,
            channel=spec.channel,
            category=spec.category,
            text=spec.text,
            actor=spec.recorder,
            village=spec.village,
            name=spec.name,
            phone=spec.phone,
            received_at=spec.received,
        )

    def _write_papers(self) -> None:
        """Papers in the order they were found; adopting a suggestion writes its paper on the day it is decided."""
        timeline: list[tuple[date, int, _Paper | _SuggestionSpec]] = [
            (paper.found_on, index, paper) for index, paper in enumerate(self.papers)
        ]
        timeline += [
            (spec.decide_on, len(self.papers) + index, spec)
            for index, spec in enumerate(self.suggestions)
            if spec.outcome
        ]
        for _day, _index, item in sorted(timeline, key=lambda entry: (entry[0], entry[1])):
            if isinstance(item, _Paper):
                with clock.at(item.found_on, 15):
                    item.problem = self._record_problem(item)
            else:
                with clock.at(item.decide_on, 16):
                    self._decide(item)

    def _record_problem(self, item: _Paper) -> Problem:
        return finding_actions.record_problem(
            self.assignment,
            item.village,
            category=item.category,
            phenomenon=item.phenomenon,
            source=item.source,
            fix_type=item.fix_type,
            actor=item.finder,
            basis=item.basis,
            responsibility=item.responsibility,
            found_on=item.found_on,
        )

    def _decide(self, spec: _SuggestionSpec) -> None:
        assert spec.suggestion is not None  # noqa: S101 - recorded at intake
        linked = self.adopted.get(spec.key) if spec.outcome != Suggestion.Outcome.NOT_ADOPTED else None
        decided = finding_actions.decide_suggestion(
            spec.suggestion, spec.outcome, actor=self.leader, note=spec.note, problem=linked
        )
        problem = decided.problem
        if problem is None or linked is not None:
            return
        self.adopted[spec.key] = problem
        category = problem.category
        changes = {
            "basis": problem_texts.SUGGESTION_BASES[spec.topic].format_map(spec.values),
            "responsibility": problem_texts.RESPONSIBILITIES[category][0].format_map(spec.values),
        }
        finding_actions.update_problem(
            problem, changes, expected_version=problem.version, actor=self.leader, note="补充定性依据和责任"
        )
        notice = None
        if problem.fix_type == FixType.IMMEDIATE:
            rng = random.Random(spec.text + "notice")
            notice = self.notice_dates(spec.decide_on, rng, category, spec.values)
        self.papers.append(
            _Paper(
                spec.village,
                category,
                problem.phenomenon,
                problem.basis,
                problem.responsibility,
                problem.source,
                problem.fix_type,
                problem.found_on,
                self.leader,
                spec.values,
                notice=notice,
                problem=problem,
            )
        )

    def _group_meeting(self) -> None:
        """The group meeting confirms the papers that hold and withdraws those that do not."""
        confirmed = []
        for paper in sorted(self.papers, key=lambda paper: paper.problem.serial_no if paper.problem else 0):
            assert paper.problem is not None  # noqa: S101 - written above
            if paper.discard:
                finding_actions.discard_problem(paper.problem, actor=self.leader, reason=paper.discard)
            else:
                confirmed.append(paper.problem)
        reporting_story.hold_meeting(self.assignment, confirmed, self.leader, self.members)

    def _settle_petitions(self) -> None:
        later = [spec for spec in self.petitions if spec.duplicate_of is not None or spec.clue is not None]
        for spec in [spec for spec in self.petitions if spec not in later] + later:
            assert spec.petition is not None  # noqa: S101 - recorded at intake
            if spec.clue is not None:
                continue  # settled when its clue is registered
            finding_actions.dispose_petition(
                spec.petition,
                spec.disposition,
                actor=self.leader,
                note=spec.note,
                problem=spec.paper.problem if spec.paper else None,
                duplicate_of=spec.duplicate_of.petition if spec.duplicate_of else None,
            )

    def _notices(self) -> None:
        """Immediate-fix notices, numbered in the order they are issued."""
        pending = [(paper.notice, paper) for paper in self.papers if paper.notice is not None and not paper.discard]
        for (issued, deadline, completed, requirement, note), paper in sorted(pending, key=lambda item: item[0][0]):
            assert paper.problem is not None  # noqa: S101 - written above
            with clock.at(issued, 10):
                notice = finding_actions.issue_notice(
                    paper.problem, requirement=requirement, deadline=deadline, actor=self.leader, issued_on=issued
                )
            if completed is not None:
                with clock.at(completed, 17):
                    finding_actions.complete_notice(notice, completed_on=completed, note=note, actor=paper.finder)

    def _clues(self) -> None:
        registered: list[tuple[Clue, str, str, dict[str, object]]] = []
        for paper in self.papers:
            if paper.clue is not None and paper.problem is not None:
                subject, summary, status, disposal = paper.clue
                clue = finding_actions.register_clue(
                    self.assignment,
                    source=Clue.Source.PROBLEM,
                    subject=subject,
                    summary=summary,
                    receiver=Clue.Receiver.DISCIPLINE,
                    actor=self.leader,
                    problem=paper.problem,
                    feedback_wording=paper.wording,
                )
                paper.phenomenon = paper.problem.phenomenon
                registered.append((clue, status, disposal, paper.values))
        for spec in self.petitions:
            if spec.clue is not None:
                subject, summary, status, disposal = spec.clue
                clue = finding_actions.register_clue(
                    self.assignment,
                    source=Clue.Source.PETITION,
                    subject=subject,
                    summary=summary,
                    receiver=Clue.Receiver.DISCIPLINE,
                    actor=self.leader,
                    petition=spec.petition,
                )
                registered.append((clue, status, disposal, spec.values))
        for village, subject, summary, status, disposal, values in self.talk_clues:
            clue = finding_actions.register_clue(
                self.assignment,
                source=Clue.Source.TALK,
                subject=subject,
                summary=summary,
                receiver=Clue.Receiver.DISCIPLINE,
                actor=self.leader,
                village=village,
            )
            registered.append((clue, status, disposal, values))
        for clue, status, disposal, values in registered:
            self._handle_clue(clue, status, disposal, values)

    def _handle_clue(self, clue: Clue, status: str, disposal: str, values: dict[str, object]) -> None:
        """The office director transfers the clue within weeks (in the year its form is numbered in); the discipline
        commission receives it days later and takes it as far as ``status`` over the following months."""
        discipline = self.findings.discipline
        number = self.findings.transfer_number(self.round_year)
        left = self.assignment.stationed_until
        transferred = min(workdays.add_working_days(left, 10), date(self.round_year, 12, 28))
        with clock.at(transferred, 10):
            finding_actions.transfer_clue(clue, transfer_number=number, actor=self.findings.office_lead)
        reached = CLUE_ORDER.index(Clue.Status(status))
        received = workdays.add_working_days(transferred, 2)
        if reached >= CLUE_ORDER.index(Clue.Status.RECEIVED):
            with clock.at(received, 9, 30):
                finding_actions.receive_clue(clue, actor=discipline)
        if reached >= CLUE_ORDER.index(Clue.Status.DISPOSED):
            with clock.at(workdays.add_working_days(received, 30), 15):
                finding_actions.dispose_clue(clue, disposal, actor=discipline)
        if reached >= CLUE_ORDER.index(Clue.Status.FEEDBACK):
            with clock.at(workdays.add_working_days(received, 70), 15):
                finding_actions.give_clue_feedback(
                    clue, findings_data.CLUE_FEEDBACK[disposal].format_map(values), actor=discipline
                )

    # Dates --------------------------------------------------------------------------------------------------------

    def notice_dates(
        self, found_on: date, rng: random.Random, category: str, values: dict[str, object]
    ) -> tuple[date, date, date | None, str, str]:
        """An immediate-fix notice issued a few days after the finding, due before the group leaves, and (mostly)
        completed in time."""
        later = [day for day in self.days if day >= found_on] or [self.days[-1]]
        issued = later[min(rng.randint(0, 2), len(later) - 1)]
        deadline = min(issued + timedelta(days=rng.randint(5, 12)), self.assignment.stationed_until)
        window = [day for day in self.days if issued <= day <= deadline] or [deadline]
        # Closed rounds fixed everything; in the round still reporting a few villages are late.
        done_rate = 1.0 if self.findings.final_status[self.assignment.round.number] == Round.Status.CLOSED else 0.8
        completed = rng.choice(window[1:] or window) if rng.random() < done_rate else None
        requirement = (problem_texts.NOTICE_REQUIREMENTS[category] + problem_texts.NOTICE_SUFFIX).format_map(
            {**values, "deadline": cn_date(deadline)}
        )
        note = problem_texts.NOTICE_COMPLETIONS[category].format_map(values)
        return issued, deadline, completed, requirement, note


class _VillagePlanner:
    """Draws one village's papers, petitions, suggestions and clues (seeded by its code: the same every run)."""

    def __init__(self, work: _AssignmentFindings, village: AdminUnit) -> None:
        self.work = work
        self.village = village
        self.code = village.code
        # A live round's revisit draws afresh; the earlier rounds keep the draws they always had.
        self.live = work.live
        self.rng = random.Random(
            f"{FINDINGS_SEED}:{work.assignment.round.number}:{village.code}"
            if self.live
            else f"{FINDINGS_SEED}:{village.code}"
        )
        self.community = village.kind == VillageKind.COMMUNITY
        profile = village.profile or {}
        self.industries = [name for name in str(profile.get("industries", "")).split("、") if name] or ["茶叶", "竹木"]
        if self.community:
            self.places = self.rng.sample(findings_data.COMPOUNDS, 4)
        else:
            count = min(max(int(str(profile.get("natural_villages", 6))), 3), 8)
            self.places = [name + "屯" for name in self.rng.sample(findings_data.NATURAL_VILLAGES, count)]
        words = findings_data.COMMUNITY_WORDS if self.community else findings_data.VILLAGE_WORDS
        self.posts = findings_data.COMMUNITY_POSTS if self.community else findings_data.VILLAGE_POSTS
        self.words: dict[str, object] = {
            **words,
            "v": village.short_name,
            "t": village.parent.short_name if village.parent else "",
            "g": work.assignment.group.name,
            "co": f"{village.short_name}{self.industries[0]}专业合作社",
        }
        self.decks: dict[str, list[int]] = {}
        self.hydrant: _Paper | None = None

    def values(self) -> dict[str, object]:
        """Placeholders of one text: the village's words and fresh figures."""
        rng = self.rng
        year = self.work.round_year
        start_month = self.work.assignment.stationed_from.month
        k, n = rng.randint(3, 9), rng.randint(12, 60)
        tun, tun2 = rng.sample(self.places, 2)
        industries = self.industries if len(self.industries) > 1 else [*self.industries, *self.industries]
        ind, ind2 = rng.sample(industries, 2)
        post, post2 = rng.sample(self.posts, 2)
        return {
            **self.words,
            "tun": tun,
            "tun2": tun2,
            "ind": ind,
            "ind2": ind2,
            "post": post,
            "post2": post2,
            "ry": year,
            "y": year - 1,
            "y0": year - 2,
            "m": rng.randint(1, 12),
            "m2": rng.randint(1, max(1, start_month - 1)),
            "d": rng.randint(1, 28),
            "a": f"{rng.randrange(1200, 9800, 10):,}元",
            "a2": f"{rng.randrange(600, 5000, 10):,}元",
            "b": in_wan(rng.randrange(12000, 98000, 100)),
            "c": in_wan(rng.randrange(150000, 1800000, 1000)),
            "k": k,
            "k2": rng.randint(1, k - 1),
            "f": rng.randint(1, 3),
            "n": n,
            "n2": n - rng.randint(2, 8),
            "h": rng.randint(8, 60),
            "p": rng.randint(30, 85),
            "mu": rng.randint(30, 600),
            "mu2": rng.randint(3, 25),
            "age": rng.randint(48, 57),
            "q": rng.randint(1, 4),
        }

    def template(self, category: str, index: int | None = None) -> tuple[int, str]:
        """A phenomenon of the category, not repeated in the village until all fitting ones were used."""
        templates = problem_texts.PHENOMENA[category]
        if index is None:
            deck = self.decks.get(category)
            if not deck:
                deck = [
                    number
                    for number, text in enumerate(templates)
                    if not (self.community and text.startswith(problem_texts.RURAL))
                ]
                self.rng.shuffle(deck)
                self.decks[category] = deck
            index = deck.pop()
        return index, templates[index].removeprefix(problem_texts.RURAL)

    def day(self, first: int = 0, last: int = 3) -> date:
        """A working day of the stationing, not in the last ``last`` days."""
        days = self.work.days
        return self.rng.choice(days[first : max(first + 1, len(days) - last)])

    def plan(self) -> None:
        plan = self.work.plan
        total = plan.counts[self.code]
        adopted = self._suggestions()
        hydrant = self._hydrant() if self.code == CHENGNAN and not self.live else 0
        clues = plan.clues.get(self.code, [])
        generic = total - adopted - hydrant
        key = self.code in data.KEY_VILLAGES
        from_petitions = self.rng.choices([0, 1, 2, 3], [15, 40, 30, 15] if key else [30, 45, 20, 5])[0]
        from_petitions = max(0, min(from_petitions, generic - 2))
        petition_kinds = self.rng.sample(range(len(findings_data.PETITION_PROBLEMS)), from_petitions)
        clue = next(((status, disposal) for source, status, disposal in clues if source == Clue.Source.PROBLEM), None)
        if clue is not None:
            self._corruption_clue(*clue)
        # 山东村's papers besides its suggestions are the showcase's (``showcases.SHANDONG_ITEMS``): fixed, not drawn.
        fixed = SHANDONG_PAPERS[:generic] if self.code == SHANDONG and not self.live else []
        if fixed:
            petition_kinds = []
        for category, index, fix_type in fixed:
            self._generic(category=category, index=index, fix_type=fix_type)
        for kind in petition_kinds:
            self._from_petition(kind)
        for _ in range(generic - len(fixed) - len(petition_kinds) - (clue is not None)):
            self._generic()
        if self.code in plan.discards:
            self._generic(discard=True)
        self._other_petitions(clues)
        for source, status, disposal in clues:
            if source == Clue.Source.TALK:
                values = self.values()
                subject, summary = self.rng.choice(findings_data.TALK_CLUES)
                self.work.talk_clues.append(
                    (self.village, subject.format_map(values), summary.format_map(values), status, disposal, values)
                )

    def _paper(
        self, category: str, phenomenon: str, values: dict[str, object], *, source: str, basis: int, fix_type: str = ""
    ) -> _Paper:
        rng = self.rng
        fix_type = fix_type or rng.choices(FIX_TYPES, FIX_WEIGHTS[category])[0]
        found_on = self.day()
        paper = _Paper(
            self.village,
            category,
            phenomenon.format_map(values),
            problem_texts.BASES[category][basis].format_map(values),
            rng.choice(problem_texts.RESPONSIBILITIES[category]).format_map(values),
            source,
            fix_type,
            found_on,
            rng.choice(self.work.members),
            values,
        )
        if fix_type == FixType.IMMEDIATE:
            paper.notice = self.work.notice_dates(found_on, rng, category, values)
        self.work.papers.append(paper)
        return paper

    def _generic(
        self, *, discard: bool = False, category: str = "", index: int | None = None, fix_type: str = ""
    ) -> _Paper:
        rng = self.rng
        category = category or rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        source = rng.choices(SOURCES, SOURCE_WEIGHTS[category])[0]
        index, text = self.template(category, index)
        if rng.random() < 0.5:
            text = rng.choice(problem_texts.LEAD_INS[source]) + text
        paper = self._paper(
            category,
            text,
            self.values(),
            source=source,
            basis=problem_texts.BASIS_OF[category][index],
            fix_type=fix_type,
        )
        if discard:
            paper.discard = rng.choice(findings_data.DISCARD_REASONS).format_map(paper.values)
            paper.notice = None
        return paper

    def _corruption_clue(self, status: str, disposal: str) -> None:
        index, text = self.template("CORRUPTION")
        paper = self._generic(category="CORRUPTION", index=index)
        subject = problem_texts.CORRUPTION_SUBJECTS[index].format_map(paper.values)
        # The clue states the facts without the paper's lead-in ("第三巡察组在个别谈话中了解到，"), which other papers
        # of the village share.
        summary = f"{text.format_map(paper.values)}该问题涉嫌违纪违法，按规定移交县纪委监委处置。"
        paper.clue = (subject, summary, status, disposal)
        # The group wrote the facts; when the clue is registered the paper keeps only a wording fit for feedback.
        paper.wording = problem_texts.CLUE_FEEDBACK_WORDINGS[index].format_map(paper.values)

    def _petition(
        self, category: str, text: str, received: date, *, disposition: str, named: bool | None = None
    ) -> _PetitionSpec:
        rng = self.rng
        channels = list(PETITION_CHANNELS)
        channel = rng.choices(channels, [PETITION_CHANNELS[name][0] for name in channels])[0]
        if named is None:
            named = rng.random() < PETITION_CHANNELS[channel][1]
        name = rng.choice(findings_data.SURNAMES) + rng.choice(findings_data.GIVEN_NAMES) if named else ""
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}" if named else ""
        noted = (
            CHANNEL_VERB[channel] + text if text.startswith(SUMMARY_VERBS) else CHANNEL_PREFIX.get(channel, "") + text
        )
        spec = _PetitionSpec(
            self.village,
            channel,
            category,
            noted,
            text,
            name,
            phone,
            aware_at(received, rng.randint(8, 17), rng.randrange(0, 60, 5)),
            rng.choice(self.work.members),
            disposition,
        )
        self.work.petitions.append(spec)
        return spec

    def _from_petition(self, kind: int) -> None:
        category, text, phenomenon, basis = findings_data.PETITION_PROBLEMS[kind]
        values = self.values()
        paper = self._paper(category, phenomenon, values, source=Problem.Source.PETITION, basis=basis)
        days = [day for day in self.work.days if day <= paper.found_on]
        senders = 2 if self.rng.random() < 0.2 else 1
        for _ in range(senders):
            received = self.rng.choice(days[-4:])
            spec = self._petition(category, text.format_map(values), received, disposition="PROBLEM")
            spec.paper = paper

    def _other_petitions(self, clues: list[tuple[str, str, str]]) -> None:
        rng = self.rng
        if rng.random() < 0.35:
            category, text, note = rng.choice(findings_data.PETITIONS_FORWARDED)
            values = self.values()
            spec = self._petition(category, text.format_map(values), self.day(), disposition="FORWARDED")
            spec.note = note.format_map(values)
        if rng.random() < 0.3:
            category, text, note = rng.choice(findings_data.PETITIONS_EXPLAINED)
            values = self.values()
            spec = self._petition(category, text.format_map(values), self.day(), disposition="EXPLAINED")
            spec.note = note.format_map(values)
        # A resident writes again about an earlier matter (never about the hydrants: those are all linked to it).
        mine = [
            spec
            for spec in self.work.petitions
            if spec.village.pk == self.village.pk
            and spec.disposition in ("PROBLEM", "FORWARDED", "EXPLAINED")
            and (self.hydrant is None or spec.paper is not self.hydrant)
        ]
        if mine and rng.random() < 0.15:
            original = rng.choice(mine)
            later = [day for day in self.work.days if day > original.received.date()] or [original.received.date()]
            spec = self._petition(
                original.category, "再次反映：" + original.plain, rng.choice(later), disposition="DUPLICATE"
            )
            spec.duplicate_of = original
            spec.note = "与此前反映的事项相同，并案处理。"
        for source, status, disposal in clues:
            if source == Clue.Source.PETITION:
                index = rng.randrange(len(findings_data.PETITION_CLUES))
                text, subject, summary = findings_data.PETITION_CLUES[index]
                values = self.values()
                spec = self._petition(
                    "CORRUPTION", text.format_map(values), self.day(), disposition="CLUE", named=index == 0 or None
                )
                spec.clue = (subject.format_map(values), summary.format_map(values), status, disposal)
                spec.values = values

    def _suggestions(self) -> int:
        """Record the village's suggestions; returns how many problems adopting them writes."""
        plan = self.work.plan
        rng = self.rng
        specs: list[tuple[str, str, str, str, str, str]] = []  # topic, proposer, text, outcome, note, key
        if self.code == SHANDONG and not self.live:
            for proposer, text, outcome, note, group in findings_data.SHANDONG_SUGGESTIONS:
                specs.append((Suggestion.Topic.INDUSTRY, proposer, text, outcome, note, f"山东{group}"))
        for index in plan.suggestions.get(self.code, []):
            topic, proposer, text, outcome, note = findings_data.OTHER_SUGGESTIONS[index]
            specs.append((topic, proposer, text, outcome, note, f"{self.code}:{index}"))
        for index in plan.undecided.get(self.code, []):
            topic, proposer, text, _outcome, _note = findings_data.OTHER_SUGGESTIONS[index]
            specs.append((topic, proposer, text, "", "", f"{self.code}:{index}"))
        days = self.work.days
        received: dict[str, date] = {}
        decided: dict[str, date] = {}
        made: list[_SuggestionSpec] = []
        for topic, proposer, text, outcome, note, key in specs:
            values = self.values()
            day = rng.choice(days[: max(1, len(days) * 2 // 3)])
            received[key] = max(received.get(key, day), day)
            made.append(
                _SuggestionSpec(
                    self.village,
                    topic,
                    proposer,
                    text.format_map(values),
                    day,
                    rng.choice(self.work.members),
                    outcome,
                    note.format_map(values),
                    key,
                    day,
                    values,
                )
            )
        for key, day in received.items():
            later = [other for other in days if other > day] or [day]
            decided[key] = later[min(rng.randint(1, 3), len(later) - 1)]
        for spec in made:
            spec.decide_on = decided[spec.key]
        self.work.suggestions.extend(made)
        return len({spec.key for spec in made if spec.outcome in (FixType.IMMEDIATE, FixType.FOLLOW_UP)})

    def _hydrant(self) -> int:
        """城南社区: residents' petitions about fire hydrants removed by the 2023 water works, one paper, a notice."""
        values = self.values()
        paper = _Paper(
            self.village,
            ProblemCategory.SAFETY_LIVELIHOOD,
            findings_data.HYDRANT_PROBLEM.format_map(values),
            findings_data.HYDRANT_BASIS,
            findings_data.HYDRANT_RESPONSIBILITY.format_map(values),
            Problem.Source.PETITION,
            FixType.IMMEDIATE,
            findings_data.HYDRANT_FOUND_ON,
            self.work.members[0],
            values,
            notice=(
                findings_data.HYDRANT_NOTICE_ON,
                findings_data.HYDRANT_DEADLINE,
                findings_data.HYDRANT_DONE_ON,
                findings_data.HYDRANT_REQUIREMENT
                + problem_texts.NOTICE_SUFFIX.format_map(
                    {**values, "deadline": cn_date(findings_data.HYDRANT_DEADLINE)}
                ),
                findings_data.HYDRANT_COMPLETION,
            ),
        )
        self.work.papers.append(paper)
        self.hydrant = paper
        for number, (channel, name, phone, text, received) in enumerate(findings_data.HYDRANT_PETITIONS):
            spec = _PetitionSpec(
                self.village,
                channel,
                ProblemCategory.SAFETY_LIVELIHOOD,
                text,
                text,
                name,
                phone,
                aware_at(received, 9 + number, 30),
                self.work.members[number % len(self.work.members)],
                "PROBLEM",
                paper=paper,
            )
            self.work.petitions.append(spec)
        return 1


# Feedback and rectification ---------------------------------------------------------------------------------------
#
# About seven weeks after each assignment leaves, the office feeds back the village's individual list and the round's
# common list to the township and the village at once; both sign. The village plans, reports and submits with
# evidence, the township reviews, the office closes (after a verified return visit in key villages) or keeps
# long-term items ongoing. Every step is scripted first, with its date, and then acted out in the order of the dates.
