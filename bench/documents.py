"""Benchmarks of documents and spreadsheets on the Longsheng demo: single documents and exports, the round bundle,
and 10,000-row imports.

    .venv/bin/python -m bench.documents                          # a fresh SQLite database in a temporary folder
    DATABASE_URL=postgres://… .venv/bin/python -m bench.documents   # an EMPTY PostgreSQL database you can spare

It loads the demo, then prints the median time of each document and export (built as a download would build it),
the time to build round 4's bundle of feedback documents, and the times and rows per second of a 10,000-row problems
import: checking every row and writing them all, and the same file refused because its last row is bad; then of a
10,000-row reclassification of the county's villages.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.__main__ import _setup

CHENGNAN = "450328100001"
ROWS = 10_000


def _median(label: str, build: Callable[[], Any], repeat: int) -> None:
    samples = []
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(build().content)
        samples.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<44} median {statistics.median(samples):8.1f} ms   {size / 1024:7.1f} KB   ({repeat} builds)")


def _documents(repeat: int) -> None:
    from xuncha.accounts.models import User
    from xuncha.documents import exports
    from xuncha.documents.builders import feedback, round_report
    from xuncha.inspections.models import Round
    from xuncha.organisations.models import AdminUnit
    from xuncha.rectification.models import Feedback

    office = User.objects.get(username="office")
    county = AdminUnit.objects.get(code="450328000000")
    round_4 = Round.objects.get(number=4)
    chengnan = Feedback.objects.get(round=round_4, village__code=CHENGNAN)
    print("documents and exports (office):")
    _median("巡察反馈意见 城南社区 (.docx)", lambda: feedback.render(Feedback.objects.get(pk=chengnan.pk)), repeat)
    _median("村级专项综合报告 round 4 (.docx)", lambda: round_report.render(round_4, office), repeat)
    _median("整改台账 county, every round (.xlsx)", lambda: exports.ledger(office, county), repeat)
    _median("问题清单 round 4 (.xlsx)", lambda: exports.problems(office, round_4), repeat)
    _median("statistics workbook, county (.xlsx)", lambda: exports.statistics(office, county), repeat)


def _bundle() -> None:
    from xuncha.accounts.actors import SYSTEM
    from xuncha.accounts.models import User
    from xuncha.documents import actions
    from xuncha.inspections.models import Round

    office = User.objects.get(username="office")
    for number in (4, 1):
        round_ = Round.objects.get(number=number)
        bundle = actions.request_bundle(round_, actor=office)
        started = time.perf_counter()
        bundle = actions.build_bundle(bundle, actor=SYSTEM)
        elapsed = time.perf_counter() - started
        assert bundle.status == bundle.Status.DONE, bundle.error
        print(
            f"  bundle of round {number}: {bundle.total} feedback documents in {elapsed:.2f} s "
            f"({bundle.size / 1024:.0f} KB .zip)"
        )


def _station_a_group() -> Any:
    """Round 5, stationed: the group of group3_leader inspects 平等村 directly (a village not inspected yet)."""
    from xuncha.accounts.actors import SYSTEM
    from xuncha.accounts.models import User
    from xuncha.inspections import actions
    from xuncha.inspections.models import Assignment, Membership, Round, Term
    from xuncha.organisations.models import AdminUnit

    term = Term.objects.get()
    round_ = actions.create_round(term, 5, start_date=date(2026, 9, 1), end_date=date(2026, 11, 30), actor=SYSTEM)
    group = actions.form_group(round_, 1, actor=SYSTEM, leader=User.objects.get(username="group3_leader"))
    if not Membership.objects.filter(group=group, user__username="group3_leader").exists():
        actions.add_member(group, User.objects.get(username="group3_leader"), "LEADER", actor=SYSTEM)
    village = AdminUnit.objects.villages().filter(parent__code="450328104000").order_by("code").reverse()[0]
    assignment = actions.assign_targets(
        round_,
        group,
        Assignment.Mode.DIRECT,
        village,
        [village],
        stationed_from=date(2026, 9, 7),
        stationed_until=date(2026, 9, 30),
        actor=SYSTEM,
    )
    actions.move_round(round_, Round.Status.STATIONED, actor=SYSTEM)
    return assignment


def _problems_sheet(village: str, rows: int, *, bad_last: bool) -> bytes:
    from django.utils import translation
    from openpyxl import Workbook

    from xuncha.findings.models import Category, FixType, Problem

    with translation.override("zh-hans"):
        categories = [str(label) for label in Category.labels]
        sources = [str(label) for label in Problem.Source.labels]
        fixes = [str(label) for label in FixType.labels]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("问题底稿")
    sheet.append(
        ["村（社区）", "问题类别", "问题表现", "定性依据", "责任", "问题来源", "整改类型", "发现人", "发现日期"]
    )
    for number in range(1, rows + 1):
        category = "不存在的类别" if bad_last and number == rows else categories[number % len(categories)]
        sheet.append(
            [
                village,
                category,
                f"第{number}号：走访发现，村集体第{number % 97 + 1}号地块出租合同未经村民代表会议讨论，租金未入账。",
                "《农村集体经济组织财务制度》第十二条",
                "村党支部书记",
                sources[number % len(sources)],
                fixes[number % len(fixes)],
                "陈志刚",
                date(2026, 9, 8 + number % 20),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xuncha.accounts.models import User
    from xuncha.documents.actions import run_import, start_import
    from xuncha.documents.models import ImportRun
    from xuncha.findings.models import Problem

    assignment = _station_a_group()
    leader = User.objects.get(username="group3_leader")
    village = assignment.target.short_name
    for bad_last in (True, False):
        data = _problems_sheet(village, ROWS, bad_last=bad_last)
        upload = SimpleUploadedFile("问题底稿.xlsx", data)
        before = Problem.objects.count()
        started = time.perf_counter()
        run = start_import(ImportRun.Kind.PROBLEMS, upload, actor=leader, assignment=assignment)
        queued = time.perf_counter() - started
        started = time.perf_counter()
        run = run_import(run)
        elapsed = time.perf_counter() - started
        written = Problem.objects.count() - before
        print(
            f"  {ROWS:,}-row problems import ({len(data) / 1024:.0f} KB): upload checks {queued:.2f} s, "
            f"run {elapsed:.2f} s ({ROWS / elapsed:,.0f} rows/s) → {run.status}, {written:,} problems written, "
            f"{len(run.errors)} bad rows"
        )


def _new_villages(county: Any, count: int) -> list[Any]:
    """``count`` general villages added to ``county`` under new townships (999 to a township)."""
    from xuncha.organisations.models import AdminUnit, Category, Level, VillageKind

    villages = []
    for start in range(0, count, 999):
        number = 200 + start // 999
        code = f"{county.short_code}{number:03d}".ljust(12, "0")
        township = AdminUnit.objects.create(
            code=code,
            name=f"新{number}镇",
            short_name=f"新{number}镇",
            level=Level.TOWNSHIP,
            parent=county,
            path=f"{county.path}{code}/",
        )
        for village_number in range(1, min(999, count - start) + 1):
            village_code = f"{township.short_code}{village_number:03d}"
            villages.append(
                AdminUnit(
                    code=village_code,
                    name=f"{township.name}{village_number}村委会",
                    short_name=f"{township.name}{village_number}村",
                    level=Level.VILLAGE,
                    kind=VillageKind.VILLAGE,
                    category=Category.GENERAL,
                    parent=township,
                    path=f"{township.path}{village_code}/",
                )
            )
    return AdminUnit.objects.bulk_create(villages)


def _classification_import() -> None:
    """The office reclassifies 10,000 villages of its county, one in ten moving to the watch list (关注村)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from xuncha.accounts.models import User
    from xuncha.documents.actions import run_import, start_import
    from xuncha.documents.models import ImportRun
    from xuncha.organisations.models import AdminUnit

    office = User.objects.get(username="office")
    county = AdminUnit.objects.get(code="450328000000")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("村分类")
    sheet.append(["村代码", "村（社区）", "类别", "村情村要"])
    for number, village in enumerate(_new_villages(county, ROWS)):
        watch = number % 10 == 0
        sheet.append([village.code, village.short_name, "关注村" if watch else "一般村", "产业薄弱" if watch else ""])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    started = time.perf_counter()
    run = start_import(
        ImportRun.Kind.CLASSIFICATION, SimpleUploadedFile("村分类.xlsx", data), actor=office, unit=county
    )
    queued = time.perf_counter() - started
    started = time.perf_counter()
    run = run_import(run)
    elapsed = time.perf_counter() - started
    print(
        f"  {ROWS:,}-row classification import ({len(data) / 1024:.0f} KB): upload checks {queued:.2f} s, "
        f"run {elapsed:.2f} s ({ROWS / elapsed:,.0f} rows/s) → {run.status}, {run.updated:,} villages reclassified"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="builds per document (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-") as var_dir:
        _setup(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from xuncha.organisations.models import AdminUnit

        settings.MEDIA_ROOT = f"{var_dir}/media"
        print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
        call_command("migrate", verbosity=0)
        if AdminUnit.objects.exists():
            sys.exit("The benchmark needs an empty database.")
        call_command("demo", stdout=io.StringIO())
        _documents(args.repeat)
        print("round bundles (what the worker does):")
        _bundle()
        print("imports:")
        _import()
        _classification_import()


if __name__ == "__main__":
    main()
