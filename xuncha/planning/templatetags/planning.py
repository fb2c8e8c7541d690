"""Small panels that the round's page and an assignment's page (the group's workbench) include: a link to the round's
preparation with who has signed, and the leads given to the group with its work plan."""

from __future__ import annotations

from typing import Any

from django import template

from xuncha.inspections.models import Assignment, Round
from xuncha.planning import permissions, queries
from xuncha.planning.forms import LeadCloseForm
from xuncha.planning.models import Lead, RecusalDeclaration, WorkPlan

register = template.Library()


@register.inclusion_tag("planning/partials/_round_panel.html", takes_context=True)
def round_preparation(context: dict[str, Any], round_: Round) -> dict[str, Any]:
    user = context["request"].user
    if not permissions.sees_round_planning(user, round_):
        return {"shown": False}
    can_plan = permissions.can_draft_plan(user, round_)
    signers = queries.round_signers(round_) if can_plan else []
    signs = permissions.can_sign_declaration(user, round_)
    return {
        "shown": True,
        "round": round_,
        "can_plan": can_plan,
        "signed": sum(1 for signer in signers if signer.declaration is not None),
        "members": len(signers),
        "must_sign": signs and not RecusalDeclaration.objects.filter(round=round_, user=user).exists(),
    }


@register.inclusion_tag("planning/partials/_assignment_panel.html", takes_context=True)
def assignment_preparation(context: dict[str, Any], assignment: Assignment) -> dict[str, Any]:
    user = context["request"].user
    leads = list(queries.leads_of(assignment, user))
    plan = WorkPlan.objects.visible_to(user).filter(assignment=assignment).only("pk", "title", "status").first()
    closes = permissions.serves_in_group(user, assignment) or permissions.can_draft_plan(user, assignment.round)
    # One form per open lead, each with its own element ids.
    rows = [
        (lead, LeadCloseForm(auto_id=f"lead{lead.pk}_%s") if closes and lead.status == Lead.Status.OPEN else None)
        for lead in leads
    ]
    return {"shown": bool(leads) or plan is not None, "rows": rows, "plan": plan}
