"""The one rule of an archived round (立卷归档): its records are read-only.

``refuse_if_archived`` is called by the actions that change a round's records, right after their permission check:

* inspections: ``move_round``, ``form_group``, ``add_member``, ``remove_member``, ``assign_targets``,
  ``cancel_assignment``, ``publish_channel``, ``withdraw_channel``;
* findings: every recording of a paper, suggestion or petition (``_recording`` and ``_new_petition``),
  ``update_problem``, the moves of a paper (``_move_problem``), notices, ``decide_suggestion``, ``dispose_petition``,
  ``draft_problem_from_petition``, ``register_clue``, evidence on a paper;
* rectification: ``build_individual_list``, ``add_common_item``, ``publish_feedback``, ``sign_receipt``, every write
  on a ledger item (``ledger._lock``) and the return visits (``plan_visit``, ``record_visit``, check photos).

Two kinds of work go on after the file is closed, on purpose, and are not refused:

* a long-term item (长期坚持, ``FixType.LONG_TERM``) keeps reporting and may still be closed, and a return visit
  that checks only such items may still be made: the round closes while these items are ongoing, and their later
  progress is the ledger's, recorded in the audit trail, not part of the sealed file;
* a clue's handling by its receiving body (receipt, disposal, feedback): clues are handed in sealed (移交保密), and
  what the discipline commission does with them is its own record.

The check reads the round's row afresh, so that a stale ``Round`` in the caller's hands cannot slip past it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from xuncha.core.exceptions import Conflict
from xuncha.inspections.models import Round


def is_archived(round_id: int) -> bool:
    return Round.objects.filter(pk=round_id, archived_at__isnull=False).exists()


def refuse_if_archived(round_: Round | int) -> None:
    """Refuse (``Conflict``) a write on the records of an archived round."""
    round_id = round_ if isinstance(round_, int) else round_.pk
    if is_archived(round_id):
        name = round_ if isinstance(round_, Round) else Round.objects.select_related("term").get(pk=round_id)
        raise Conflict(
            _("%(round)s has been archived (立卷归档): its records are read-only and can no longer be changed.")
            % {"round": name}
        )
