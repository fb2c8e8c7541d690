"""Use cases of feedback and rectification: build the two lists, publish them to township and village at once,
sign receipts, carry items through the ledger to closure, hand them to departments, and verify them on return
visits.

Each action checks the actor's permission and the object's state, writes, and records an audit event, in one
transaction; ``SYSTEM`` acts for the demo and commands. One module per stage: ``lists``, ``feedback``,
``ledger`` (with ``ITEM_TRANSITIONS``), ``extensions`` (with ``EXTENSION_TRANSITIONS``), ``handoffs`` (with
``PARTY_TRANSITIONS``), ``responsibility`` and ``visits``; their public names are re-exported here.
"""

from xuncha.rectification.actions._common import FEEDBACK_STATUSES
from xuncha.rectification.actions.extensions import (
    EXTENSION_TRANSITIONS,
    decide_extension,
    extend_deadline,
    request_extension,
    review_extension,
)
from xuncha.rectification.actions.feedback import feedback_deadline, publish_feedback, sign_receipt
from xuncha.rectification.actions.handoffs import (
    PARTY_TRANSITIONS,
    complete_party,
    hand_off_item,
    report_party_progress,
    sign_party_receipt,
)
from xuncha.rectification.actions.ledger import (
    ITEM_TRANSITIONS,
    close_item,
    enter_village_progress,
    flag_residents_objection,
    make_ongoing,
    plan_item,
    reopen_item,
    report_progress,
    require_return_visit,
    return_reviewed_item,
    review_item,
    submit_item,
)
from xuncha.rectification.actions.lists import add_common_item, build_individual_list
from xuncha.rectification.actions.reminders import prune_notifications, send_reminders
from xuncha.rectification.actions.responsibility import set_item_responsibility, set_village_responsibility
from xuncha.rectification.actions.visits import attach_check_photo, plan_visit, record_visit

__all__ = [
    "EXTENSION_TRANSITIONS",
    "FEEDBACK_STATUSES",
    "ITEM_TRANSITIONS",
    "PARTY_TRANSITIONS",
    "add_common_item",
    "attach_check_photo",
    "build_individual_list",
    "close_item",
    "complete_party",
    "decide_extension",
    "enter_village_progress",
    "extend_deadline",
    "feedback_deadline",
    "flag_residents_objection",
    "hand_off_item",
    "make_ongoing",
    "plan_item",
    "plan_visit",
    "prune_notifications",
    "publish_feedback",
    "record_visit",
    "reopen_item",
    "report_party_progress",
    "report_progress",
    "request_extension",
    "require_return_visit",
    "return_reviewed_item",
    "review_extension",
    "review_item",
    "send_reminders",
    "set_item_responsibility",
    "set_village_responsibility",
    "sign_party_receipt",
    "sign_receipt",
    "submit_item",
]
