"""The archive's own contributors (``contributors``): what a county office puts in an assignment's file.

* ``documents`` (01-文书): every document the platform prints for the assignment's villages in the round: the
  feedback documents (反馈意见, with their lists), the immediate-fix notices, the return-visit reports, each village's
  rectification report, the round's comprehensive report and the ledger (整改台账.xlsx). Documents written for a
  reader's scope are written as the county office reads them.
* ``records`` (02-记录): the working papers, suggestions and petitions as one workbook. Petitions go in *without*
  their reporters: the encrypted name and phone are never opened, and no column holds them.
* ``confidential``: clues are sealed (线索, their subject and summary encrypted): they are *not* in the file; the
  index lists them as handed in (移交保密), by count. The same holds for any talk record another app contributes.
* ``evidence`` (03-佐证材料): the files attached to the working papers and to the ledger items' progress, as stored
  (their SHA-256 was taken at upload). Photos sent with petitions stay with the petitions (a resident's photo can tell
  who sent it).
* ``audit_trail`` (04-审计记录): the audit events of the round, the assignment, its group and members, channels,
  papers, notices, suggestions, petitions, clues, evidence, lists, feedback, receipts, items and return visits of its
  villages, as a .csv. Events hold no free text (``audit.actions.snapshot``); the notes of clue events are left out
  all the same.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from xuncha.archive import contributors
from xuncha.archive.contributors import HandedIn, Member
from xuncha.audit.models import Event
from xuncha.core.exceptions import Conflict
from xuncha.core.xlsx import Sheet, write_workbook
from xuncha.documents.builders import UNSAFE_IN_NAMES
from xuncha.documents.chinese import labels
from xuncha.documents.files import GeneratedFile
from xuncha.evidence.models import Evidence
from xuncha.findings.models import Category, Clue, FixType, ImmediateFixNotice, Petition, Problem, Suggestion
from xuncha.rectification.models import Feedback, LedgerItem, ProblemList, Progress, Receipt, ReturnVisit
from xuncha.rectification.models_extension import ExtensionRequest
from xuncha.rectification.models_handoff import ResponsibleParty
from xuncha.rectification.models_responsibility import VillageResponsibility

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.inspections.models import Assignment
    from xuncha.organisations.models import AdminUnit

DOCUMENTS = "01-文书"
RECORDS = "02-记录"
EVIDENCE = "03-佐证材料"
AUDIT = "04-审计记录"


def _document(generated: GeneratedFile, title: str, on: date | None) -> Member:
    return Member(f"{DOCUMENTS}/{generated.name}", title, on, generated.content)


def _villages(assignment: Assignment) -> list[AdminUnit]:
    return list(assignment.villages.order_by("code"))


def _office_reader(assignment: Assignment) -> User | None:
    """The county office account the scoped documents are written for (None if the county has none)."""
    from xuncha.rectification.actions._common import _office

    try:
        return _office(assignment.round)
    except Conflict:
        return None


def documents(assignment: Assignment) -> Iterator[Member]:
    from xuncha.documents.builders import feedback, notice, rectification_report, round_report, visit
    from xuncha.documents.exports import ledger_columns, ledger_rows

    round_, villages = assignment.round, _villages(assignment)
    feedbacks = Feedback.objects.filter(round=round_, village__in=villages).order_by("village__code")
    for each in feedback.for_documents(feedbacks):
        yield _document(feedback.render(each), f"{each.village.name}巡察反馈意见", each.fed_back_on)
    notices = ImmediateFixNotice.objects.filter(problem__assignment=assignment).order_by("issued_on", "pk")
    for each_notice in notices:
        yield _document(notice.render(each_notice), f"立行立改通知书{each_notice.number}", each_notice.issued_on)
    visits = (
        ReturnVisit.objects.filter(village__in=villages, checks__item__round=round_)
        .distinct()
        .select_related("village")
        .order_by("planned_on", "pk")
    )
    for each_visit in visits:
        generated = visit.render(each_visit)
        name = f"{PurePath(generated.name).stem}-{each_visit.pk}.docx"
        title = f"{each_visit.village.name}回访报告"
        yield _document(GeneratedFile(name, generated.content, generated.content_type), title, each_visit.visited_on)
    reader = _office_reader(assignment)
    if reader is not None:
        for village in villages:
            generated = rectification_report.render(village, reader, round_)
            yield _document(generated, f"{village.name}整改情况报告", timezone.localdate())
        yield _document(round_report.render(round_, reader), f"{round_}综合报告", timezone.localdate())
    items = LedgerItem.objects.filter(round=round_, village__in=villages)
    name = f"{assignment.group}{round_}整改台账".translate(UNSAFE_IN_NAMES)
    ledger = write_workbook([Sheet("整改台账", ledger_columns(), ledger_rows(items))])
    yield Member(f"{DOCUMENTS}/{name}.xlsx", f"{assignment.group}整改台账", timezone.localdate(), ledger)


def records(assignment: Assignment) -> Iterator[Member]:
    categories, fix_types = labels(Category), labels(FixType)
    problems = Problem.objects.filter(assignment=assignment).select_related("village").order_by("serial_no")
    problem_rows = [
        (
            problem.serial,
            problem.village.name,
            categories.get(problem.category, problem.category),
            labels(Problem.Source).get(problem.source, problem.source),
            fix_types.get(problem.fix_type, problem.fix_type),
            labels(Problem.Status).get(problem.status, problem.status),
            problem.found_on,
            problem.phenomenon,
            problem.basis,
            problem.responsibility,
        )
        for problem in problems
    ]
    suggestions = Suggestion.objects.filter(assignment=assignment).select_related("village").order_by("pk")
    suggestion_rows = [
        (
            index,
            suggestion.village.name,
            labels(Suggestion.Topic).get(suggestion.topic, suggestion.topic),
            suggestion.text,
            suggestion.received_on,
            labels(Suggestion.Outcome).get(suggestion.outcome, "") if suggestion.outcome else "",
            suggestion.outcome_note,
        )
        for index, suggestion in enumerate(suggestions, start=1)
    ]
    # Never the reporter: the encrypted name and phone are not read, and no column is given to them.
    petitions = Petition.objects.filter(assignment=assignment).select_related("village").order_by("received_at", "pk")
    petition_rows = [
        (
            index,
            petition.village.name if petition.village else "",
            labels(Petition.Channel).get(petition.channel, petition.channel),
            categories.get(petition.category, petition.category),
            petition.text,
            timezone.localdate(petition.received_at),
            labels(Petition.Disposition).get(petition.disposition, "") if petition.disposition else "",
        )
        for index, petition in enumerate(petitions, start=1)
    ]
    lists = ProblemList.objects.filter(round=assignment.round, village__in=_villages(assignment)).order_by("pk")
    list_rows = [
        (
            index,
            problem_list.village.name if problem_list.village else "",
            labels(ProblemList.Kind).get(problem_list.kind, problem_list.kind),
            problem_list.entries_count,
        )
        for index, problem_list in enumerate(
            lists.select_related("village").annotate(entries_count=Count("entries")), start=1
        )
    ]
    workbook = write_workbook(
        [
            Sheet(
                "问题底稿",
                ["编号", "村（社区）", "类别", "来源", "整改类型", "状态", "发现日期", "问题表现", "定性依据", "责任"],
                problem_rows,
            ),
            Sheet("意见建议", ["序号", "村（社区）", "类别", "内容", "收到日期", "处理结果", "说明"], suggestion_rows),
            Sheet("信访件", ["序号", "村（社区）", "渠道", "类别", "内容", "收到日期", "处理方式"], petition_rows),
            Sheet("问题清单", ["序号", "村（社区）", "清单", "问题数"], list_rows),
        ]
    )
    name = f"{assignment.group}巡察记录".translate(UNSAFE_IN_NAMES)
    yield Member(
        f"{RECORDS}/{name}.xlsx", f"{assignment.group}问题底稿、意见建议、信访件登记", timezone.localdate(), workbook
    )


def confidential(assignment: Assignment) -> Iterator[HandedIn]:
    """Clues are counted, never opened: the index says how many were handed in sealed."""
    yield HandedIn("问题线索", Clue.objects.filter(assignment=assignment).count())


def evidence(assignment: Assignment) -> Iterator[Member]:
    on_papers = Problem.evidence.through._default_manager.filter(problem__assignment=assignment).values("evidence_id")
    items = LedgerItem.objects.filter(round=assignment.round, village__in=_villages(assignment))
    on_progress = Progress.evidence.through._default_manager.filter(progress__item__in=items).values("evidence_id")
    files = Evidence.objects.filter(Q(pk__in=on_papers) | Q(pk__in=on_progress)).order_by("uploaded_at", "pk")
    for number, each in enumerate(files, start=1):
        with each.file.open("rb") as handle:
            content = handle.read()
        stem = PurePath(each.original_name).stem.translate(UNSAFE_IN_NAMES)[:60]
        title = each.caption or each.original_name
        yield Member(
            f"{EVIDENCE}/{number:04d}-{stem}.{each.extension}", title, timezone.localdate(each.uploaded_at), content
        )


# What a sealed event's row says in place of its record's name (its values and note are left empty).
SEALED = "（保密，略）"
AUDIT_COLUMNS = ["序号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "变更前", "变更后", "备注", "哈希"]


def _objects(assignment: Assignment) -> dict[str, list[int]]:
    """The ids of the records of the assignment, by their audit object type."""
    round_, villages = assignment.round, _villages(assignment)
    items = LedgerItem.objects.filter(round=round_, village__in=villages)
    feedbacks = Feedback.objects.filter(round=round_, village__in=villages)

    def ids(queryset: object) -> list[int]:
        return list(queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]

    return {
        "inspections.round": [round_.pk],
        "inspections.assignment": [assignment.pk],
        "inspections.inspectiongroup": [assignment.group_id],
        "inspections.membership": ids(assignment.group.memberships.all()),
        "inspections.contactchannel": ids(assignment.channels.all()),
        "findings.problem": ids(Problem.objects.filter(assignment=assignment)),
        "findings.immediatefixnotice": ids(ImmediateFixNotice.objects.filter(problem__assignment=assignment)),
        "findings.suggestion": ids(Suggestion.objects.filter(assignment=assignment)),
        "findings.petition": ids(Petition.objects.filter(assignment=assignment)),
        "findings.clue": ids(Clue.objects.filter(assignment=assignment)),
        "evidence.evidence": ids(
            Evidence.objects.filter(
                Q(
                    pk__in=Problem.evidence.through._default_manager.filter(problem__assignment=assignment).values(
                        "evidence_id"
                    )
                )
                | Q(
                    pk__in=Progress.evidence.through._default_manager.filter(progress__item__in=items).values(
                        "evidence_id"
                    )
                )
            )
        ),
        "rectification.problemlist": ids(ProblemList.objects.filter(round=round_, village__in=villages)),
        "rectification.feedback": ids(feedbacks),
        "rectification.receipt": ids(Receipt.objects.filter(feedback__in=feedbacks)),
        "rectification.ledgeritem": ids(items),
        "rectification.returnvisit": ids(ReturnVisit.objects.filter(village__in=villages, checks__item__in=items)),
        "rectification.responsibleparty": ids(ResponsibleParty.objects.filter(item__in=items)),
        "rectification.extensionrequest": ids(ExtensionRequest.objects.filter(item__in=items)),
        "rectification.villageresponsibility": ids(VillageResponsibility.objects.filter(village__in=villages)),
        **contributors.audit_objects(assignment),
    }


def audit_trail(assignment: Assignment) -> Iterator[Member]:
    query = Q(pk__in=[])
    for object_type, pks in _objects(assignment).items():
        if pks:
            query |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for event in Event.objects.filter(query).order_by("seq").iterator(chunk_size=2000):
        sealed = contributors.is_sealed(event.object_type)
        writer.writerow(
            [
                event.seq,
                timezone.localtime(event.created_at).isoformat(),
                event.actor_label,
                event.verb,
                event.object_type,
                event.object_id,
                SEALED if sealed else event.object_repr,
                "" if sealed or event.before is None else json.dumps(event.before, ensure_ascii=False),
                "" if sealed or event.after is None else json.dumps(event.after, ensure_ascii=False),
                "" if sealed else event.note,
                event.hash,
            ]
        )
    # With a byte-order mark, so that Excel opens the Chinese text as UTF-8.
    content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    name = f"{assignment.group}审计记录".translate(UNSAFE_IN_NAMES)
    yield Member(f"{AUDIT}/{name}.csv", f"{assignment.group}操作审计记录", timezone.localdate(), content)
