"""A province-sized dataset for benchmarks: every village of Guangxi (16,681 in 111 counties) and, in each county, one
term of four rounds with what the groups found and what followed — about 200,000 problems with their lists,
feedback and receipts, ledger items, suggestions, clues and return visits.

    from bench.province import build_province   # after Django is set up (bench.__main__._setup)
    province = build_province(sys.stdout)        # builds the dataset, or finds it already in the database

This is synthetic benchmark data. Apart from the division import, which goes through its action, it is written
straight into the tables with ``bulk_create`` and bulk ``UPDATE``s: no permission or state checks, no audit events,
no progress notes, no evidence files. Never load it into a database that serves real work.

The data is the same on every run (one seeded ``random.Random``) and its dates are fixed around ``AS_OF``
(2026-11-27): in each county rounds 1 and 2 (2024) are closed, round 3 (autumn 2025) is rectifying and round 4
(autumn 2026) has its groups stationed. The inspected villages, 60 % of each county's, are shared out between the
four rounds; rounds 1–3 were fed back, so their problems are FED_BACK with one ledger item each (most closed, some
ongoing, the rest open and partly overdue), round 4's are still drafts or confirmed. Key villages (18 %) are all
visited again (回访), so that their closed items are verified as the rules demand; some general villages too.

A database that holds the dataset is recognised by the title of the ``bench_leader`` account and reused as it is;
``fresh=True`` empties the database (``flush``) and builds it again.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import TextIO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction

from bench.province_data import (
    AS_OF,
    BASIS,
    BATCH,
    CATEGORIES,
    CITY,
    CLUE_CATEGORIES,
    CLUE_STATUSES,
    COMMON_TEXTS,
    COUNTY,
    DISCARDED_SHARE,
    DIVISIONS,
    FIX_TYPES,
    GOAL,
    INSPECTED_SHARE,
    INSPECTORS_PER_COUNTY,
    KEY_SHARE,
    LEADER,
    MARK,
    MEASURES,
    ONGOING_SHARE,
    OUTCOMES,
    PHENOMENA,
    PROBLEMS_PER_CLUE,
    PROBLEMS_PER_VILLAGE,
    PROVINCE,
    RESPONSIBILITY,
    ROUNDS,
    SEED,
    SOURCES,
    SPECIAL_TOPICS,
    SUGGESTION_TEXTS,
    SUGGESTIONS_PER_VILLAGE,
    TOPICS,
    TOWNSHIP,
    VISITED_GENERAL_SHARE,
    WORKING,
    RoundPlan,
    S,
)
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Role, RoleGrant, User
from xuncha.core import workdays
from xuncha.demo.findings_data import GIVEN_NAMES, SURNAMES
from xuncha.findings.models import Clue, FixType, Problem, Suggestion
from xuncha.inspections.models import (
    Assignment,
    AssignmentVillage,
    InspectionGroup,
    Membership,
    Round,
    Term,
)
from xuncha.organisations.actions import import_divisions
from xuncha.organisations.models import AdminUnit
from xuncha.organisations.models import Category as VillageCategory
from xuncha.rectification.actions.feedback import feedback_deadline
from xuncha.rectification.models import (
    CommonItem,
    Feedback,
    LedgerItem,
    ListEntry,
    ProblemList,
    Receipt,
    ReturnVisit,
    VisitCheck,
)


class NotBenchDatabase(Exception):
    """The database holds data that this module did not build (or built for another scope)."""


@dataclass(frozen=True)
class Province:
    """What a benchmark needs of the dataset: the units it times and the users it signs in as, and its size."""

    province: str
    city: str
    county: str
    township: str
    office_id: int  # OFFICE over the county
    leader_id: int  # LEADER over the province
    villages: int
    problems: int
    ledger_items: int
    seconds: float | None  # the time the build took; None when the dataset was already there


@dataclass(frozen=True)
class _Village:
    pk: int
    code: str
    name: str
    township_id: int
    key: bool


def build_province(stdout: TextIO, *, fresh: bool = False, only_county: str | None = None) -> Province:
    """Build the dataset (every county, or ``only_county`` given by its six digits, e.g. "450328") unless the
    database already holds it. ``fresh`` empties a database that holds a bench dataset first (``flush``: every
    table of the project); it refuses a database with other data.

    Raises ``NotBenchDatabase`` when the database holds other data, or the dataset of another scope.
    """
    scope = only_county or "province"
    mark = User.objects.filter(username=LEADER).values_list("title", flat=True).first()
    if fresh:
        # Only a bench dataset is emptied: DATABASE_URL is also what the application reads.
        if mark is None and (AdminUnit.objects.exists() or User.objects.exists()):
            raise NotBenchDatabase("The database holds data that is not a bench dataset: --fresh empties only those.")
        call_command("flush", interactive=False, verbosity=0)
        mark = None
    seconds: float | None = None
    if mark is None:
        if AdminUnit.objects.exists() or User.objects.exists():
            raise NotBenchDatabase("The database holds other data: use an empty one.")
        started = time.perf_counter()
        with transaction.atomic():
            _Builder(stdout, scope, only_county).run()
        if connection.vendor == "postgresql":
            # What autovacuum does in production soon after such a load: without statistics the planner guesses.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
    elif mark != f"{MARK}: {scope}":
        raise NotBenchDatabase(f"The database holds another bench dataset ({mark}): use --fresh to rebuild it.")
    county = COUNTY if only_county is None else only_county.ljust(12, "0")
    return Province(
        province=PROVINCE,
        city=CITY,
        county=county,
        township=TOWNSHIP if county == COUNTY else _first_township(county),
        office_id=User.objects.get(username=_office_username(county)).pk,
        leader_id=User.objects.get(username=LEADER).pk,
        villages=AdminUnit.objects.villages().count(),
        problems=Problem.objects.count(),
        ledger_items=LedgerItem.objects.count(),
        seconds=seconds,
    )


def _first_township(county_code: str) -> str:
    county = AdminUnit.objects.get(code=county_code)
    return AdminUnit.objects.townships().filter(parent=county).values_list("code", flat=True).first() or ""


def _office_username(county_code: str) -> str:
    return f"bench_office_{county_code[:6]}"


class _Builder:
    def __init__(self, stdout: TextIO, scope: str, only_county: str | None) -> None:
        self.stdout = stdout
        self.scope = scope
        self.only_county = only_county
        self.rng = random.Random(SEED)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        self.stdout.write(f"  [{time.perf_counter() - self.started:6.1f} s] {message}\n")
        self.stdout.flush()

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, clock(hour), tzinfo=self.tz)

    def run(self) -> None:
        data = (settings.PACKAGE_DIR / "data" / DIVISIONS).read_bytes()
        result = import_divisions(data, actor=SYSTEM, file_name=DIVISIONS, only_county=self.only_county)
        self.say(f"divisions: {result.created:,} units")
        villages = self._classify()
        self.say(f"classification: {sum(v.key for vs in villages.values() for v in vs):,} key villages")
        counties = list(AdminUnit.objects.counties().order_by("code").values_list("pk", "code", "name"))
        users = self._users(counties)
        self.say(f"accounts: {len(users):,}")
        terms = Term.objects.bulk_create(
            [
                Term(county_id=pk, number=15, name=f"十五届{_committee(name)}", start_date=date(2021, 10, 1))
                for pk, _code, name in counties
            ],
            batch_size=BATCH,
        )
        rounds = Round.objects.bulk_create(
            [
                Round(
                    term=term,
                    number=plan.number,
                    start_date=plan.start,
                    end_date=plan.end,
                    status=plan.status,
                )
                for term in terms
                for plan in ROUNDS
            ],
            batch_size=BATCH,
        )
        by_term: dict[int, list[Round]] = defaultdict(list)
        for round_ in rounds:
            by_term[round_.term_id].append(round_)
        city = ""
        for (pk, code, name), term in zip(counties, terms, strict=True):
            if code[:4] != city:
                city = code[:4]
                self.say(f"counties of {city}00000000, from {name}")
            _County(self, pk, code, villages.get(pk, []), by_term[term.pk], users).run()

    def _classify(self) -> dict[int, list[_Village]]:
        """~18 % of the villages KEY, the rest GENERAL, by bulk UPDATEs (not one action per village). Returns the
        villages by county id."""
        rows = list(
            AdminUnit.objects.villages()
            .order_by("code")
            .values_list("pk", "code", "short_name", "parent_id", "parent__parent_id")
        )
        key = {pk for pk, *_rest in rows if self.rng.random() < KEY_SHARE}
        AdminUnit.objects.villages().update(category=VillageCategory.GENERAL, category_reason="")
        ids = sorted(key)
        for start in range(0, len(ids), BATCH):
            AdminUnit.objects.filter(pk__in=ids[start : start + BATCH]).update(
                category=VillageCategory.KEY, category_reason="集体经济薄弱，信访举报较多（基准测试数据）"
            )
        villages: dict[int, list[_Village]] = defaultdict(list)
        for pk, code, name, township_id, county_id in rows:
            assert township_id is not None and county_id is not None  # noqa: S101 - villages hang under both
            villages[county_id].append(_Village(pk, code, name, township_id, pk in key))
        return villages

    def _users(self, counties: list[tuple[int, str, str]]) -> dict[str, User]:
        """An office account per county and its pool of inspectors; the leader over the province."""
        names = [s + g for s in SURNAMES for g in GIVEN_NAMES]
        password = make_password(None)
        wanted = [User(username=LEADER, display_name="省领导（基准测试）", title=f"{MARK}: {self.scope}")]
        for _pk, code, name in counties:
            wanted.append(User(username=_office_username(code), display_name=f"{name}巡察办", title="巡察办干部"))
            wanted += [
                User(username=f"bench_{code[:6]}_{n:02d}", display_name=self.rng.choice(names), title="巡察干部")
                for n in range(1, INSPECTORS_PER_COUNTY + 1)
            ]
        for user in wanted:
            user.password = password
        users = {user.username: user for user in User.objects.bulk_create(wanted, batch_size=BATCH)}
        province = AdminUnit.objects.get(code=PROVINCE)
        grants = [RoleGrant(user=users[LEADER], role=Role.LEADER, unit=province)]
        for pk, code, _name in counties:
            grants.append(RoleGrant(user=users[_office_username(code)], role=Role.OFFICE, unit_id=pk))
            grants += [
                RoleGrant(user=users[f"bench_{code[:6]}_{n:02d}"], role=Role.GROUP_MEMBER, unit_id=pk)
                for n in range(1, INSPECTORS_PER_COUNTY + 1)
            ]
        RoleGrant.objects.bulk_create(grants, batch_size=BATCH)
        return users


def _committee(county_name: str) -> str:
    """十五届县委, 十五届区委 or 十五届市委, by the kind of county."""
    suffix = county_name[-1:] if county_name[-1:] in "县区市" else "县"
    return f"{suffix}委"


@dataclass
class _Group:
    group: InspectionGroup
    leader_id: int
    member_ids: list[int]


class _County:
    """One county's term: its rounds, groups, assignments and everything found and followed up in them."""

    def __init__(
        self,
        builder: _Builder,
        pk: int,
        code: str,
        villages: list[_Village],
        rounds: list[Round],
        users: dict[str, User],
    ) -> None:
        self.b = builder
        self.rng = builder.rng
        self.pk = pk
        self.code = code
        self.villages = sorted(villages, key=lambda v: v.code)
        self.rounds = {round_.number: round_ for round_ in rounds}
        self.office_id = users[_office_username(code)].pk
        self.inspectors = [users[f"bench_{code[:6]}_{n:02d}"].pk for n in range(1, INSPECTORS_PER_COUNTY + 1)]
        self.transfers: Counter[int] = Counter()  # clue transfer documents by year

    def run(self) -> None:
        order = list(self.villages)
        self.rng.shuffle(order)
        inspected = order[: round(len(order) * INSPECTED_SHARE)]
        start, share = 0, 0.0
        for plan in ROUNDS:
            share += plan.share
            end = round(len(inspected) * share)
            if end > start:
                self._round(plan, self.rounds[plan.number], sorted(inspected[start:end], key=lambda v: v.code))
            start = end

    # Planning ------------------------------------------------------------------------------------------------------

    def _round(self, plan: RoundPlan, round_: Round, villages: list[_Village]) -> None:
        groups = self._groups(round_, villages)
        covered = self._assignments(plan, round_, villages, groups)
        problems = self._problems(plan, round_, villages, covered)
        suggestions = self._suggestions(plan, villages, covered, problems)
        Suggestion.objects.bulk_create(suggestions, batch_size=BATCH)
        self._clues(plan, round_, covered, problems)
        if plan.fed_back_on is not None:
            self._feedback(plan, round_, villages, covered, problems)

    def _groups(self, round_: Round, villages: list[_Village]) -> list[_Group]:
        count = max(1, min(4, math.ceil(len(villages) / 12)))
        people = self.rng.sample(self.inspectors, 3 * count)
        groups = InspectionGroup.objects.bulk_create(
            [InspectionGroup(round=round_, number=n, name=InspectionGroup.default_name(n)) for n in range(1, count + 1)]
        )
        memberships = []
        result = []
        for index, group in enumerate(groups):
            leader, *members = people[3 * index : 3 * index + 3]
            memberships.append(Membership(group=group, user_id=leader, role=Membership.GroupRole.LEADER))
            memberships += [Membership(group=group, user_id=m, role=Membership.GroupRole.MEMBER) for m in members]
            result.append(_Group(group, leader, [leader, *members]))
        Membership.objects.bulk_create(memberships)
        return result

    def _assignments(
        self, plan: RoundPlan, round_: Round, villages: list[_Village], groups: list[_Group]
    ) -> dict[int, tuple[Assignment, _Group]]:
        """Up to two key villages inspected directly, one special inspection of three villages, and the rest by
        township (巡乡带村); the groups take the assignments in turn. Returns each village's assignment and group."""
        work: list[tuple[str, int, str, list[_Village]]] = []
        direct = [v for v in villages if v.key][:2]
        work += [(Assignment.Mode.DIRECT, v.pk, "", [v]) for v in direct]
        rest = [v for v in villages if v not in direct]
        if len(rest) >= 8:
            special = self.rng.sample(rest, 3)
            work.append((Assignment.Mode.SPECIAL, self.pk, self.rng.choice(SPECIAL_TOPICS), special))
            rest = [v for v in rest if v not in special]
        by_township: dict[int, list[_Village]] = defaultdict(list)
        for village in rest:
            by_township[village.township_id].append(village)
        work += [
            (Assignment.Mode.TOWNSHIP_WITH_VILLAGES, township, "", members)
            for township, members in sorted(by_township.items())
        ]
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    round=round_,
                    group=groups[index % len(groups)].group,
                    mode=mode,
                    target_id=target,
                    topic=topic,
                    stationed_from=plan.stationed_from,
                    stationed_until=plan.stationed_until,
                    public_key=uuid.UUID(int=self.rng.getrandbits(128), version=4),
                )
                for index, (mode, target, topic, _villages) in enumerate(work)
            ]
        )
        covered: dict[int, tuple[Assignment, _Group]] = {}
        links = []
        for index, (assignment, (_mode, _target, _topic, members)) in enumerate(zip(assignments, work, strict=True)):
            for village in members:
                covered[village.pk] = (assignment, groups[index % len(groups)])
                links.append(AssignmentVillage(assignment=assignment, village_id=village.pk, round=round_))
        AssignmentVillage.objects.bulk_create(links, batch_size=BATCH)
        return covered

    # Findings ------------------------------------------------------------------------------------------------------

    def _problems(
        self,
        plan: RoundPlan,
        round_: Round,
        villages: list[_Village],
        covered: dict[int, tuple[Assignment, _Group]],
    ) -> dict[int, list[Problem]]:
        rng = self.rng
        year = plan.start.year
        last_day = min(plan.stationed_until, AS_OF)
        span = (last_day - plan.stationed_from).days + 1
        fed_back = plan.fed_back_on is not None
        confirmed_at = self.b.at(plan.stationed_until - timedelta(days=2), 16)
        serials: Counter[int] = Counter()
        problems: dict[int, list[Problem]] = {}
        created = []
        categories, category_weights = zip(*CATEGORIES, strict=True)
        sources, source_weights = zip(*SOURCES, strict=True)
        fixes, fix_weights = zip(*FIX_TYPES, strict=True)
        for village in villages:
            assignment, group = covered[village.pk]
            count = rng.randint(*PROBLEMS_PER_VILLAGE)
            rows = []
            for category, source, fix_type in zip(
                rng.choices(categories, category_weights, k=count),
                rng.choices(sources, source_weights, k=count),
                rng.choices(fixes, fix_weights, k=count),
                strict=True,
            ):
                serials[group.group.pk] += 1
                serial_no = serials[group.group.pk]
                found_on = plan.stationed_from + timedelta(days=rng.randrange(span))
                if fed_back:
                    status = Problem.Status.DISCARDED if rng.random() < DISCARDED_SHARE else Problem.Status.FED_BACK
                else:
                    status = Problem.Status.CONFIRMED if rng.random() < 0.55 else Problem.Status.DRAFT
                confirmed = status != Problem.Status.DRAFT
                k = rng.randint(3, 9)
                rows.append(
                    Problem(
                        assignment=assignment,
                        round=round_,
                        group=group.group,
                        village_id=village.pk,
                        serial_no=serial_no,
                        serial=Problem.format_serial(year, plan.number, group.group.number, serial_no),
                        category=category,
                        phenomenon=PHENOMENA[category].format(
                            v=village.name,
                            y=year - 1,
                            n=rng.randint(5, 60),
                            a=rng.randrange(2000, 98000, 100),
                            k=k,
                            k2=rng.randint(1, k - 1),
                            q=rng.randint(1, 4),
                        ),
                        basis=BASIS,
                        responsibility=RESPONSIBILITY,
                        source=source,
                        fix_type=fix_type,
                        finder_id=rng.choice(group.member_ids),
                        found_on=found_on,
                        status=status,
                        confirmed_by_id=group.leader_id if confirmed else None,
                        confirmed_at=(confirmed_at if fed_back else self.b.at(min(found_on + timedelta(days=3), AS_OF)))
                        if confirmed
                        else None,
                    )
                )
            problems[village.pk] = rows
            created += rows
        Problem.objects.bulk_create(created, batch_size=BATCH)
        return problems

    def _suggestions(
        self,
        plan: RoundPlan,
        villages: list[_Village],
        covered: dict[int, tuple[Assignment, _Group]],
        problems: dict[int, list[Problem]],
    ) -> list[Suggestion]:
        rng = self.rng
        topics, topic_weights = zip(*TOPICS, strict=True)
        outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
        decided_at = self.b.at(min(plan.stationed_until, AS_OF), 17)
        span = (min(plan.stationed_until, AS_OF) - plan.stationed_from).days + 1
        rows = []
        for village in villages:
            assignment, group = covered[village.pk]
            from_suggestions = [p for p in problems[village.pk] if p.source == Problem.Source.SUGGESTION]
            for topic in rng.choices(topics, topic_weights, k=rng.randint(*SUGGESTIONS_PER_VILLAGE)):
                decided = plan.fed_back_on is not None or rng.random() < 0.5
                outcome = rng.choices(outcomes, outcome_weights)[0] if decided else ""
                adopted = outcome in (Suggestion.Outcome.IMMEDIATE, Suggestion.Outcome.FOLLOW_UP)
                rows.append(
                    Suggestion(
                        assignment=assignment,
                        village_id=village.pk,
                        topic=topic,
                        text=SUGGESTION_TEXTS[topic],
                        proposer="村民代表",
                        received_on=plan.stationed_from + timedelta(days=rng.randrange(span)),
                        recorded_by_id=rng.choice(group.member_ids),
                        outcome=outcome,
                        outcome_note="纳入整改清单" if adopted else ("不符合政策规定" if outcome else ""),
                        problem=from_suggestions.pop() if adopted and from_suggestions else None,
                        decided_by_id=group.leader_id if decided else None,
                        decided_at=decided_at if decided else None,
                    )
                )
        return rows

    def _clues(
        self,
        plan: RoundPlan,
        round_: Round,
        covered: dict[int, tuple[Assignment, _Group]],
        problems: dict[int, list[Problem]],
    ) -> None:
        """About one clue per 50 problems, from problems of the kinds that point at people; transferred to the
        discipline commission (mostly) or the organisation department once the round is fed back."""
        rng = self.rng
        every = [p for rows in problems.values() for p in rows]
        candidates = [p for p in every if p.category in CLUE_CATEGORIES and p.status != Problem.Status.DISCARDED]
        picked = rng.sample(candidates, min(len(candidates), round(len(every) / PROBLEMS_PER_CLUE)))
        statuses, weights = zip(*CLUE_STATUSES, strict=True)
        year = plan.start.year
        clues = []
        for problem in picked:
            assignment, group = covered[problem.village_id]
            status = rng.choices(statuses, weights)[0] if plan.fed_back_on else Clue.Status.REGISTERED
            transferred_on = plan.fed_back_on - timedelta(days=5) if plan.fed_back_on else None
            if transferred_on is not None:
                self.transfers[year] += 1
            receiver = Clue.Receiver.DISCIPLINE if rng.random() < 0.85 else Clue.Receiver.ORG_DEPT
            step = 0 if transferred_on is None else list(statuses).index(status)
            clues.append(
                Clue(
                    reference=uuid.UUID(int=rng.getrandbits(128), version=4),
                    assignment=assignment,
                    round=round_,
                    group=group.group,
                    village_id=problem.village_id,
                    source=Clue.Source.PROBLEM,
                    problem=problem,
                    subject="村党组织书记" if rng.random() < 0.6 else "村委会委员",
                    summary="涉嫌" + problem.phenomenon,
                    receiver=receiver,
                    status=status,
                    registered_by_id=group.leader_id,
                    transfer_number=f"巡移〔{year}〕{self.transfers[year]}号" if transferred_on else "",
                    transferred_at=self.b.at(transferred_on) if transferred_on else None,
                    received_at=self.b.at(transferred_on + timedelta(days=3)) if transferred_on and step >= 1 else None,
                    disposal=rng.choice(Clue.Disposal.values) if step >= 2 else "",
                    disposed_at=self.b.at(transferred_on + timedelta(days=60))
                    if transferred_on and step >= 2
                    else None,
                    feedback="已按规定处置并反馈巡察机构。" if step >= 3 else "",
                    feedback_at=self.b.at(transferred_on + timedelta(days=90))
                    if transferred_on and step >= 3
                    else None,
                )
            )
        Clue.objects.bulk_create(clues, batch_size=BATCH)

    # Feedback and rectification ------------------------------------------------------------------------------------

    def _feedback(
        self,
        plan: RoundPlan,
        round_: Round,
        villages: list[_Village],
        covered: dict[int, tuple[Assignment, _Group]],
        problems: dict[int, list[Problem]],
    ) -> None:
        assert plan.fed_back_on is not None  # noqa: S101 - only fed-back rounds come here
        rng = self.rng
        fed_back_on = plan.fed_back_on
        common = ProblemList(round=round_, kind=ProblemList.Kind.COMMON, created_by_id=self.office_id)
        individual = {
            v.pk: ProblemList(
                round=round_, kind=ProblemList.Kind.INDIVIDUAL, village_id=v.pk, created_by_id=self.office_id
            )
            for v in villages
        }
        ProblemList.objects.bulk_create([common, *individual.values()], batch_size=BATCH)
        fed = {v.pk: [p for p in problems[v.pk] if p.status == Problem.Status.FED_BACK] for v in villages}
        ListEntry.objects.bulk_create(
            [ListEntry(problem_list=individual[pk], problem=p) for pk, rows in fed.items() for p in rows],
            batch_size=BATCH,
        )
        common_items = CommonItem.objects.bulk_create(
            [
                CommonItem(problem_list=common, number=n, text=text, category=category, fix_type=FixType.FOLLOW_UP)
                for n, (category, text) in enumerate(rng.sample(COMMON_TEXTS, 2), start=1)
            ]
        )
        named: dict[int, list[CommonItem]] = defaultdict(list)
        through = []
        for item in common_items:
            for village in rng.sample(villages, max(1, len(villages) // 4)):
                named[village.pk].append(item)
                through.append(CommonItem.villages.through(commonitem_id=item.pk, adminunit_id=village.pk))
        CommonItem.villages.through.objects.bulk_create(through, batch_size=BATCH)

        plan_due = workdays.add_working_days(fed_back_on, settings.XUNCHA_PLAN_WORKING_DAYS)
        feedbacks = {
            v.pk: Feedback(
                round=round_,
                village_id=v.pk,
                individual_list=individual[v.pk],
                common_list=common,
                fed_back_on=fed_back_on,
                plan_due=plan_due,
                published_by_id=self.office_id,
            )
            for v in villages
        }
        Feedback.objects.bulk_create(feedbacks.values(), batch_size=BATCH)
        receipts = []
        for village in villages:
            feedback = feedbacks[village.pk]
            for recipient, unit in (
                (Receipt.Recipient.TOWNSHIP, village.township_id),
                (Receipt.Recipient.VILLAGE, village.pk),
            ):
                signed = plan.status == Round.Status.CLOSED or rng.random() < 0.98
                receipts.append(
                    Receipt(
                        feedback=feedback,
                        recipient=recipient,
                        unit_id=unit,
                        signed_at=self.b.at(fed_back_on + timedelta(days=rng.randint(1, 3)), 15) if signed else None,
                    )
                )
        Receipt.objects.bulk_create(receipts, batch_size=BATCH)

        deadlines = {fix: feedback_deadline(fix, covered[villages[0].pk][0], fed_back_on) for fix in FixType.values}
        common_deadlines = {fix: feedback_deadline(fix, None, fed_back_on) for fix in FixType.values}
        year = plan.start.year
        items: list[LedgerItem] = []
        by_village: dict[int, list[LedgerItem]] = {}
        for village in villages:
            rows = [
                self._item(
                    plan,
                    LedgerItem(
                        round=round_,
                        feedback=feedbacks[village.pk],
                        village_id=village.pk,
                        township_id=village.township_id,
                        problem=p,
                        number=p.serial,
                        summary=p.phenomenon,
                        category=p.category,
                        fix_type=p.fix_type,
                        deadline=deadlines[p.fix_type],
                        needs_return_visit=village.key,
                    ),
                )
                for p in fed[village.pk]
            ]
            rows += [
                self._item(
                    plan,
                    LedgerItem(
                        round=round_,
                        feedback=feedbacks[village.pk],
                        village_id=village.pk,
                        township_id=village.township_id,
                        common_item=c,
                        number=f"[{year}]{plan.number}巡-共性-{c.number:02d}",
                        summary=c.text,
                        category=c.category,
                        fix_type=c.fix_type,
                        deadline=common_deadlines[c.fix_type],
                        needs_return_visit=village.key,
                    ),
                )
                for c in named[village.pk]
            ]
            by_village[village.pk] = rows
            items += rows
        visits, checks = self._visits(plan, villages, covered, by_village)
        LedgerItem.objects.bulk_create(items, batch_size=BATCH)
        ReturnVisit.objects.bulk_create(visits, batch_size=BATCH)
        VisitCheck.objects.bulk_create(checks, batch_size=BATCH)

    def _item(self, plan: RoundPlan, item: LedgerItem) -> LedgerItem:
        """Where the item stands on ``AS_OF``: done (closed, or ongoing for long-term items), waiting for the township
        or the office, or still the village's — then half of them with an extended deadline, the rest overdue."""
        assert plan.fed_back_on is not None  # noqa: S101 - only fed-back rounds have items
        rng = self.rng
        item.measures, item.goal, item.responsible_leader = MEASURES, GOAL, "村党组织书记"
        if item.fix_type == FixType.LONG_TERM and rng.random() < ONGOING_SHARE:
            status = S.ONGOING
        else:
            statuses, weights = zip(*plan.item_mix, strict=True)
            status = rng.choices(statuses, weights)[0]
        item.status = status
        if status in WORKING:
            if item.deadline < AS_OF and rng.random() < 0.5:
                item.deadline = AS_OF + timedelta(days=rng.randint(-10, 90))
            return item
        if item.fix_type == FixType.IMMEDIATE and item.problem_id is not None:
            done_on = plan.stationed_until - timedelta(days=rng.randint(0, 20))
        elif rng.random() < 0.08:
            done_on = item.deadline + timedelta(days=rng.randint(1, 30))
        else:
            done_on = plan.fed_back_on + timedelta(days=rng.randint(5, max(6, (item.deadline - plan.fed_back_on).days)))
        item.done_on = min(done_on, AS_OF - timedelta(days=10))
        if status == S.CLOSED:
            item.closed_on = min(item.done_on + timedelta(days=rng.randint(3, 25)), AS_OF)
        return item

    def _visits(
        self,
        plan: RoundPlan,
        villages: list[_Village],
        covered: dict[int, tuple[Assignment, _Group]],
        by_village: dict[int, list[LedgerItem]],
    ) -> tuple[list[ReturnVisit], list[VisitCheck]]:
        """Every key village and about a fifth of the others: the done items verified (a key village's items close
        only after that, so they close on the visit's day at the earliest), some of the open ones reopened with a
        new deadline, and the residents' satisfaction."""
        assert plan.fed_back_on is not None  # noqa: S101 - only fed-back rounds have items
        rng = self.rng
        visits, checks = [], []
        for village in villages:
            if not (village.key or rng.random() < VISITED_GENERAL_SHARE):
                continue
            items = by_village[village.pk]
            done = [item.done_on for item in items if item.status in (S.CLOSED, S.ONGOING) and item.done_on]
            earliest = max([plan.fed_back_on + timedelta(days=60), *done])
            visited_on = min(earliest + timedelta(days=rng.randint(3, 40)), AS_OF - timedelta(days=1))
            asked = rng.randint(20, 60)
            visit = ReturnVisit(
                village_id=village.pk,
                planned_on=visited_on - timedelta(days=rng.randint(3, 10)),
                visited_on=visited_on,
                visitors="县委巡察办、" + covered[village.pk][1].group.name,
                planned_by_id=self.office_id,
                planned_by_group=covered[village.pk][1].group,
                status=ReturnVisit.Status.DONE,
                people_asked=asked,
                people_satisfied=asked - rng.randint(0, asked // 8),
                note="整改情况总体较好，群众认可。",
            )
            visits.append(visit)
            for item in items:
                if item.status in (S.CLOSED, S.ONGOING):
                    item.verified_at = self.b.at(visited_on, 12)
                    if item.status == S.CLOSED and item.closed_on and item.closed_on < visited_on and village.key:
                        item.closed_on = visited_on
                    checks.append(VisitCheck(visit=visit, item=item, verdict=VisitCheck.Verdict.VERIFIED))
                elif item.status in WORKING and rng.random() < 0.3:
                    new_deadline = visited_on + timedelta(days=rng.randint(20, 60))
                    item.status, item.deadline, item.reopened = S.IN_PROGRESS, new_deadline, 1
                    checks.append(
                        VisitCheck(
                            visit=visit,
                            item=item,
                            verdict=VisitCheck.Verdict.REOPEN,
                            note="整改不到位，群众仍有反映。",
                            new_deadline=new_deadline,
                        )
                    )
        return visits, checks
