"""Builds the Longsheng demo through the same actions a user triggers, so that its audit chain verifies."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from xuncha.accounts import actions as account_actions
from xuncha.accounts.actors import SYSTEM
from xuncha.accounts.models import Notification, Role, User, role_label
from xuncha.audit.actions import batch as audit_batch
from xuncha.audit.actions import record_event
from xuncha.audit.models import Event
from xuncha.core.workdays import next_workday
from xuncha.demo import (
    appraisal_story,
    clock,
    confirm_story,
    data,
    disclosure_story,
    fieldwork_story,
    findings_data,
    handoff_story,
    outcomes_story,
    planning_story,
    reporting_story,
)
from xuncha.demo.findings_story import FindingsStory, round_villages
from xuncha.demo.rectification_story import RECTIFICATION_SEED, TOWNSHIP_ACCOUNTS, RectificationStory
from xuncha.inspections import actions as inspection_actions
from xuncha.inspections.models import Assignment, ContactChannel, InspectionGroup, Membership, Round, Term
from xuncha.organisations import actions as unit_actions
from xuncha.organisations.models import AdminUnit, Category, Level, VillageKind
from xuncha.rectification import actions as rectification_actions

if TYPE_CHECKING:
    from collections.abc import Callable

DATA_DIR = settings.PACKAGE_DIR / "data"

# Roles of the demo accounts and the unit each is granted over ("" = the county, None = no unit).
ACCOUNT_GRANTS: dict[str, tuple[Role, str | None]] = {
    "sysadmin": (Role.SYSADMIN, None),
    "security_admin": (Role.SECURITY_ADMIN, None),
    "auditor": (Role.AUDITOR, None),
    "office": (Role.OFFICE, ""),
    "office_lead": (Role.OFFICE_LEAD, ""),
    "group3_leader": (Role.GROUP_LEADER, ""),
    "group3_member": (Role.GROUP_MEMBER, ""),
    "discipline": (Role.DISCIPLINE, ""),
    "orgdept": (Role.ORG_DEPT, ""),
    "township_longsheng": (Role.TOWNSHIP, "450328100000"),
    "village_chengnan": (Role.VILLAGE, "450328100001"),
    "village_shandong": (Role.VILLAGE, "450328100212"),
    "leader": (Role.LEADER, ""),
    # Reads the city's roll-up: the dashboard of 桂林市, one row per county loaded.
    "city_leader": (Role.LEADER, "450300000000"),
    # County departments (县直部门) that 城南社区's hydrants were handed to (``handoff_story``).
    "dept_zhujian": (Role.DEPARTMENT, handoff_story.ZHUJIAN),
    "dept_xiaofang": (Role.DEPARTMENT, handoff_story.XIAOFANG),
}

INDUSTRIES = {
    "450328100": ["商贸服务", "茶叶", "凤鸡养殖"],
    "450328101": ["沙糖桔", "砂糖橘加工", "竹木"],
    "450328102": ["罗汉果", "茶叶", "杉木"],
    "450328103": ["梯田旅游", "红糯米", "民宿"],
    "450328104": ["侗族村寨旅游", "茶叶", "油茶"],
    "450328105": ["凤鸡养殖", "茶叶", "竹木"],
    "450328201": ["瑶寨旅游", "红糯米", "茶叶"],
    "450328202": ["茶叶", "竹木", "中药材"],
    "450328203": ["茶叶", "罗汉果", "油茶"],
    "450328204": ["罗汉果", "杉木", "生猪养殖"],
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    post: str
    role: str


def county() -> AdminUnit | None:
    return AdminUnit.objects.filter(code=data.COUNTY_CODE.ljust(12, "0")).first()


DEMO_VERB = "demo.loaded"


def is_loaded() -> bool:
    """Whether this database holds the demo (marked by the event its build records, not guessed from data)."""
    return Event.objects.filter(verb=DEMO_VERB).exists()


def database_is_empty() -> bool:
    return not (AdminUnit.objects.exists() or User.objects.exists() or Event.objects.exists())


def accounts() -> list[DemoAccount]:
    return [
        DemoAccount(username, name, post, _title(*ACCOUNT_GRANTS[username])) for username, name, post in data.ACCOUNTS
    ]


def _title(role: Role, unit: str | None) -> str:
    """The account's title as the pages show it (a leader over 桂林市 is 市领导)."""
    if not unit:
        return str(role.label)
    level = AdminUnit.objects.filter(code=unit).values_list("level", flat=True).first() or ""
    return str(role_label(role, level, unit))


def build(progress: Callable[[str], None] = lambda message: None) -> None:
    """Load the whole demo in one transaction: divisions, accounts, classification, term, rounds, assignments, what
    the groups found (problems, notices, petitions, suggestions and clues), and what followed: the two lists fed back
    to townships and villages, and the rectification ledger carried through to closure and return visits."""
    with audit_batch():
        _build(progress)


@transaction.atomic
def _build(progress: Callable[[str], None]) -> None:
    """Each step is acted out on the day it describes (``clock``): the platform is set up before the term opens,
    the rounds follow, and the two live rounds are at work today."""
    with clock.at(data.SETUP_DATE):
        users, local, the_county = _set_up(progress)
    progress("term, rounds, groups, assignments, findings, feedback and rectification")
    _plan(the_county, users, local)
    _rotate_admin_passwords(users)
    _read_past_notices()
    record_event(DEMO_VERB, the_county, actor=SYSTEM, note="Longsheng County demo (invented people and work)")


# Hand-offs of the last weeks stay unread in the bells; older ones were read as their work was done.
UNREAD_NOTICE_DAYS = 30


def _read_past_notices() -> None:
    """Each account reads the notices of its history, as it did when it took up the work they announced."""
    before = clock.real_now() - timedelta(days=UNREAD_NOTICE_DAYS)
    old = Notification.objects.unread().filter(created_at__lt=before)
    for user in User.objects.filter(pk__in=old.values("user_id")).order_by("pk"):
        ids = list(old.filter(user=user).values_list("pk", flat=True))
        account_actions.mark_notifications_read(user, ids=ids, actor=user)


def _set_up(progress: Callable[[str], None]) -> tuple[dict[str, User], dict[str, User], AdminUnit]:
    progress("divisions")
    unit_actions.import_divisions(
        (DATA_DIR / "guangxi_divisions.csv").read_bytes(),
        actor=SYSTEM,
        file_name="guangxi_divisions.csv",
        only_county=data.COUNTY_CODE,
    )
    unit_actions.import_divisions(
        (DATA_DIR / "longsheng_villages.csv").read_bytes(), actor=SYSTEM, file_name="longsheng_villages.csv"
    )
    the_county = county()
    assert the_county is not None  # noqa: S101 - just imported
    progress("accounts")
    handoff_story.add_departments(the_county)
    users = _create_accounts(the_county)
    office = users["office"]
    progress("classification and profiles")
    _classify(the_county, office, users["sysadmin"])
    progress("township and village accounts")
    local = _local_accounts(users)
    _name_responsible_people(local)
    return users, local, the_county


def _rotate_admin_passwords(users: dict[str, User]) -> None:
    """The administrators' passwords expire after ``XUNCHA_ADMIN_PASSWORD_DAYS``: each changed theirs (to the demo's
    known one) three weeks ago."""
    password = settings.XUNCHA_DEMO_PASSWORD
    with clock.at(clock.real_today() - timedelta(days=21), 8, 40):
        for username, _name, _post in data.ACCOUNTS[:3]:
            account_actions.change_password(users[username], password, actor=users[username], validate=False)


def _create_accounts(the_county: AdminUnit) -> dict[str, User]:
    password = settings.XUNCHA_DEMO_PASSWORD
    users: dict[str, User] = {}
    # The two administrators are bootstrapped by the system; they then create and empower everyone else.
    for username, name, post in data.ACCOUNTS[:2]:
        users[username] = account_actions.create_user(
            username, display_name=name, title=post, password=password, actor=SYSTEM, validate=False
        )
        account_actions.grant_role(users[username], ACCOUNT_GRANTS[username][0], None, actor=SYSTEM)
    sysadmin, security_admin = users["sysadmin"], users["security_admin"]
    # The demo accounts share one known password, which only the system may set: the system administrator creates
    # accounts without one (三员分立), so these are made by SYSTEM as a command would.
    for username, name, post in data.ACCOUNTS[2:]:
        users[username] = account_actions.create_user(
            username, display_name=name, title=post, password=password, actor=SYSTEM, validate=False
        )
        role, code = ACCOUNT_GRANTS[username]
        unit = None if code is None else (the_county if code == "" else AdminUnit.objects.get(code=code))
        account_actions.grant_role(users[username], role, unit, actor=security_admin)
    for username, name, post in data.INSPECTORS:
        users[username] = account_actions.create_user(
            username, display_name=name, title=post, password=None, actor=sysadmin
        )
        account_actions.grant_role(users[username], Role.GROUP_MEMBER, the_county, actor=security_admin)
    for username, code, tie, detail in data.RECUSALS:
        inspection_actions.declare_recusal(
            users[username], AdminUnit.objects.get(code=code), tie, detail=detail, actor=users[username]
        )
    return users


def _classify(the_county: AdminUnit, office: User, sysadmin: User) -> None:
    villages = AdminUnit.objects.villages().filter(path__under=the_county.path).order_by("code")
    for village in villages:
        reason = data.KEY_VILLAGES.get(village.code)
        category = Category.KEY if reason else Category.GENERAL
        unit_actions.set_village_category(village, category, reason or "", actor=office)
        unit_actions.update_profile(village, _profile(village), actor=sysadmin)


def _profile(village: AdminUnit) -> dict[str, object]:
    """An invented but plausible profile, the same on every run (seeded by the village code)."""
    rng = random.Random(int(village.code))
    community = village.kind == VillageKind.COMMUNITY
    population = rng.randrange(3000, 9000, 10) if community else rng.randrange(900, 4200, 10)
    income = rng.randint(20, 90) if village.code in data.KEY_VILLAGES else rng.randint(3, 40)
    profile: dict[str, object] = {
        "population": population,
        "households": round(population / rng.uniform(3.2, 3.9)),
        "party_members": round(population * rng.uniform(0.03, 0.05)),
        "collective_income": income,
        "industries": "、".join(rng.sample(INDUSTRIES[village.code[:9]], 2)),
    }
    if not community:
        profile["natural_villages"] = rng.randint(4, 16)
    return profile


def _plan(the_county: AdminUnit, users: dict[str, User], local: dict[str, User]) -> None:
    """Open the term and run its rounds: plan each, station its groups, record what they find, feed it back and
    rectify it."""
    office = users["office"]
    with clock.at(data.TERM_START):
        term = inspection_actions.open_term(
            the_county, data.TERM_NUMBER, data.TERM_NAME, start_date=data.TERM_START, actor=office
        )
    units = {unit.code: unit for unit in AdminUnit.objects.filter(path__under=the_county.path)}
    today = clock.real_today()
    findings = FindingsStory(users, today)
    for spec in data.ROUNDS + data.live_rounds(today):
        with clock.at(spec.start_date):
            round_ = _plan_round(term, spec, units, users)
        planning_story.tell(round_, spec, users)
        first = min(assignment[5] for assignment in spec.assignments)
        last = max(assignment[6] for assignment in spec.assignments)
        with clock.at(first, 8, 30):
            _advance(round_, Round.Status.STATIONED, office)
        findings.record_round(round_)
        fieldwork_story.tell(round_, users)
        appraisal_story.tell(round_, users)
        if spec.status == Round.Status.STATIONED:
            continue
        with clock.at(next_workday(last + timedelta(days=1)), 9):
            _advance(round_, Round.Status.REPORTING, office)
        if spec.status == Round.Status.REPORTING:
            reporting_story.await_office_review(round_)
            continue
        RectificationStory(round_, spec, users, local).run()
    disclosure_story.tell(office)
    outcomes_story.tell(users)
    confirm_story.tell()


def _plan_round(term: Term, spec: data.RoundSpec, units: dict[str, AdminUnit], users: dict[str, User]) -> Round:
    """Create the round, form its groups, assign their targets and publish their channels."""
    office = users["office"]
    round_ = inspection_actions.create_round(
        term,
        spec.number,
        kind=spec.kind,
        start_date=spec.start_date,
        end_date=spec.end_date,
        actor=office,
    )
    groups: dict[int, InspectionGroup] = {}
    for number, (leader, members) in spec.groups.items():
        group = inspection_actions.form_group(round_, number, leader=users[leader], actor=office)
        for member in members:
            inspection_actions.add_member(group, users[member], Membership.GroupRole.MEMBER, actor=office)
        groups[number] = group
    for number, mode, target, villages, topic, start, end in spec.assignments:
        assignment = inspection_actions.assign_targets(
            round_,
            groups[number],
            mode,
            units[target.ljust(12, "0")],
            [units[code] for code in villages],
            topic=topic,
            stationed_from=start,
            stationed_until=end,
            actor=office,
        )
        _publish_channels(assignment, spec.number, number, office)
    return round_


def _publish_channels(assignment: Assignment, round_number: int, group_number: int, actor: User) -> None:
    """The group's phone, suggestion box and e-mail, published on the assignment's notice for its stationing."""
    where = "、".join(village.short_name for village in assignment.villages.all()[:3])
    for kind, value, note in (
        (
            ContactChannel.Kind.PHONE,
            f"0773-75{round_number}{group_number}{assignment.pk % 100:02d}",
            "工作日8:00-18:00",
        ),
        (ContactChannel.Kind.MAILBOX, f"设于{where}村（居）委会门口", "每日开箱"),
        (ContactChannel.Kind.EMAIL, f"lsxc{round_number}z{group_number}@longsheng.gov.cn", ""),
    ):
        inspection_actions.publish_channel(assignment, kind, value, note=note, actor=actor)


def _advance(round_: Round, status: str, actor: User) -> None:
    """Move the round step by step from where it is to ``status``."""
    order = list(Round.Status)
    for step in order[order.index(Round.Status(round_.status)) + 1 : order.index(Round.Status(status)) + 1]:
        inspection_actions.move_round(round_, step, actor=actor)


# Findings ---------------------------------------------------------------------------------------------------------
#
# Each round's groups record, while stationed, the papers, petitions and suggestions of the villages they cover;
# the leader confirms the papers, settles petitions, decides suggestions, issues immediate-fix notices and
# registers clues; the office director transfers the clues and the discipline commission handles them.


def _local_accounts(users: dict[str, User]) -> dict[str, User]:
    """The township party committees and the village party organisations of the inspected villages sign receipts
    and carry out the rectification: one account each, keyed by the unit's code. Besides the demo's three sign-in
    accounts they have no password (nobody signs in as them) and are not listed."""
    sysadmin, security_admin = users["sysadmin"], users["security_admin"]
    local = {
        str(code): users[username]
        for username, (role, code) in ACCOUNT_GRANTS.items()
        if role in (Role.TOWNSHIP, Role.VILLAGE) and code
    }
    inspected = sorted({code for spec in data.ROUNDS for code in round_villages(spec)})
    units = {unit.code: unit for unit in AdminUnit.objects.filter(code__in=[*TOWNSHIP_ACCOUNTS, *inspected])}
    rng = random.Random(RECTIFICATION_SEED)
    taken = {name for _username, name, _post in data.ACCOUNTS + data.INSPECTORS}
    names = [s + g for s in findings_data.SURNAMES for g in findings_data.GIVEN_NAMES if s + g not in taken]
    rng.shuffle(names)
    wanted = [(code, username, Role.TOWNSHIP, "党委副书记") for code, username in TOWNSHIP_ACCOUNTS.items()]
    wanted += [(code, f"village_{code}", Role.VILLAGE, "党支部书记") for code in inspected]
    for code, username, role, post in wanted:
        if code in local:
            continue
        unit = units[code]
        local[code] = account_actions.create_user(
            username, display_name=names.pop(), title=unit.short_name + post, password=None, actor=sysadmin
        )
        account_actions.grant_role(local[code], role, unit, actor=security_admin)
    return local


def _name_responsible_people(local: dict[str, User]) -> None:
    """Each township names, for each of its inspected villages, the village's party secretary as 第一责任人 and
    its own deputy secretary as the 督促责任人 (包村领导): every list fed back, in the past rounds and the live
    ones, then carries both."""
    villages = AdminUnit.objects.filter(code__in=local, level=Level.VILLAGE).select_related("parent")
    for village in villages.order_by("code"):
        secretary, township = local[village.code], local.get(village.parent.code) if village.parent else None
        if township is None:
            continue
        rectification_actions.set_village_responsibility(
            village,
            first_name=secretary.display_name,
            first_post=secretary.title,
            overseer_name=township.display_name,
            overseer_post=f"{township.title}（包村领导）",
            actor=township,
        )
