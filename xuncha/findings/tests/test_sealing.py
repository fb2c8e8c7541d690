"""The overlap measure between a fed-back text and a sealed clue (``findings.sealing``): the person's name, a
copied passage, or much shared wording count; a neutral wording, unrelated papers and empty texts do not."""

from __future__ import annotations

import pytest

from xuncha.findings import sealing

SUBJECT = "李建国（甲一村党支部书记）"
SUMMARY = "2022年李建国在岩背屯道路硬化工程中收受施工方“好处费”3.5万元，并安排其亲属承接土方工程。"
NEUTRAL = "村党支部书记在工程项目中存在廉洁风险，相关问题线索已按程序移交。"


def test_normalise_keeps_letters_and_digits() -> None:
    assert sealing.normalise("３.５万元，“好处费”！ AB c") == "35万元好处费abc"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("经查，李建国未按规定报告个人事项。", "subject"),
        ("岩背屯道路硬化工程中收受施工方好处费的问题群众反映强烈。", "passage"),
        (SUMMARY, "subject"),
        # A paraphrase that reorders the clauses keeps many of the clue's four-character runs.
        ("施工方“好处费”3.5万元，道路硬化工程中收受；并安排其亲属承接土方。", "wording"),
    ],
)
def test_a_text_that_repeats_the_clue_overlaps(text: str, reason: str) -> None:
    found = sealing.overlap(text, SUBJECT, SUMMARY)
    assert found is not None
    assert found.reason == reason


def test_the_post_in_brackets_is_not_the_subject() -> None:
    """Only the name counts as the subject: a paper about the party secretary's post is not flagged for it."""
    assert sealing.overlap("甲一村党支部书记履行第一责任人职责不到位。", SUBJECT, SUMMARY) is None


@pytest.mark.parametrize(
    "text",
    [
        NEUTRAL,
        "",
        "   ",
        "2023年村集体土地出租合同未经村民代表会议讨论，租金3.2万元未入账。",
        "工程项目管理不规范，部分项目未按规定公开招标。",
    ],
)
def test_a_neutral_or_unrelated_text_does_not_overlap(text: str) -> None:
    assert sealing.overlap(text, SUBJECT, SUMMARY) is None


def test_the_measure_is_deterministic() -> None:
    """The same inputs always give the same answer (no randomness, no model)."""
    answers = {sealing.overlap(SUMMARY[5:40], SUBJECT, SUMMARY) for _ in range(5)}
    assert len(answers) == 1


def test_the_longest_common_run() -> None:
    assert sealing._longest_common_run("abcdefgh", "xxcdefyy") == "cdef"
    assert sealing._longest_common_run("abc", "xyz") == ""
