"""Who may have documents built in bundles, take away a unit's documents and import spreadsheets. Single documents
and exports follow the scope of what they show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xuncha.accounts.models import Role
from xuncha.accounts.permissions import can_plan_in, has_role_over
from xuncha.organisations.models import Level
from xuncha.rectification.permissions import can_publish_feedback

if TYPE_CHECKING:
    from xuncha.accounts.scoping import AnyUser
    from xuncha.inspections.models import Round
    from xuncha.organisations.models import AdminUnit

# The roles whose grant lets a user take away its unit's ledger, statistics and rectification report.
UNIT_DOCUMENT_ROLES = (Role.OFFICE, Role.OFFICE_LEAD, Role.LEADER, Role.TOWNSHIP, Role.VILLAGE)
# The township party committee enters its villages' ledger progress from a spreadsheet.
LEDGER_IMPORTERS = (Role.TOWNSHIP,)


def can_bundle(user: AnyUser | None, round_: Round) -> bool:
    """A round's feedback bundle is the office's: it is what the office sends out."""
    return can_publish_feedback(user, round_)


def can_import_classification(user: AnyUser | None, county: AdminUnit) -> bool:
    """The inspection office classifies the villages of its county."""
    return county.level == Level.COUNTY and can_plan_in(user, county)


def can_import_ledger(user: AnyUser | None, township: AdminUnit) -> bool:
    """The township party committee imports the ledger progress of its villages."""
    return township.level == Level.TOWNSHIP and has_role_over(user, LEDGER_IMPORTERS, township)
