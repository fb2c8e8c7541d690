"""Use cases of on-site work: problems and their notices, suggestions, petitions, sealed clues and evidence.

Each action checks the actor's permission and the object's state, writes, and records an audit event, in one
transaction. The actor is a user, ``SYSTEM`` (the demo, commands) or, for the public petition form, ``RESIDENT``.
One module per record: ``problems`` (with notices and suggestions), ``petitions``, ``clues`` (with the rotation of
the encryption keys) and ``evidence``; their public names are re-exported here.
"""

from xuncha.findings.actions._common import (
    CLUE_TRANSITIONS,
    EDITABLE_PROBLEM_FIELDS,
    PROBLEM_BATCH,
    PROBLEM_TRANSITIONS,
    TOPIC_CATEGORY,
)
from xuncha.findings.actions.clues import (
    TOKEN_COLUMNS,
    dispose_clue,
    give_clue_feedback,
    read_clue,
    receive_clue,
    register_clue,
    rotate_field_keys,
    transfer_clue,
)
from xuncha.findings.actions.evidence import attach_evidence
from xuncha.findings.actions.petitions import (
    dispose_petition,
    draft_problem_from_petition,
    record_petition,
    reveal_reporter,
    submit_public_petition,
)
from xuncha.findings.actions.problems import (
    ProblemSpec,
    complete_notice,
    confirm_problem,
    decide_suggestion,
    discard_problem,
    issue_notice,
    mark_fed_back,
    record_problem,
    record_problems,
    record_suggestion,
    update_problem,
)

__all__ = [
    "CLUE_TRANSITIONS",
    "EDITABLE_PROBLEM_FIELDS",
    "PROBLEM_BATCH",
    "PROBLEM_TRANSITIONS",
    "TOKEN_COLUMNS",
    "TOPIC_CATEGORY",
    "ProblemSpec",
    "attach_evidence",
    "complete_notice",
    "confirm_problem",
    "decide_suggestion",
    "discard_problem",
    "dispose_clue",
    "dispose_petition",
    "draft_problem_from_petition",
    "give_clue_feedback",
    "issue_notice",
    "mark_fed_back",
    "read_clue",
    "receive_clue",
    "record_petition",
    "record_problem",
    "record_problems",
    "record_suggestion",
    "register_clue",
    "reveal_reporter",
    "rotate_field_keys",
    "submit_public_petition",
    "transfer_clue",
    "update_problem",
]
