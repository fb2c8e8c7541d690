"""Figures of the residents' side of rectification: what was published (双公开) and how satisfied residents are.
Each is one aggregate query over the queryset it is given, so a dashboard scopes it by filtering first, e.g.
``SurveyAnswer.objects.filter(survey__village__path__under=county.path)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from xuncha.public.models import SHOWN_Q, Disclosure, SurveyAnswer
from xuncha.rectification.queries import rate

Rating = SurveyAnswer.Rating


def survey_figures(answers: QuerySet[SurveyAnswer]) -> dict[str, Any]:
    """Counts of ``answers`` by rating, the surveys they answer, and the satisfaction rate: satisfied and fairly
    satisfied answers as a share of all answers (the way 满意度 is usually reported)."""
    row = answers.order_by().aggregate(
        surveys=Count("survey", distinct=True),
        answers=Count("pk"),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        fairly_satisfied=Count("pk", filter=Q(rating=Rating.FAIRLY_SATISFIED)),
        dissatisfied=Count("pk", filter=Q(rating=Rating.DISSATISFIED)),
    )
    row["satisfaction_rate"] = rate(row["satisfied"] + row["fairly_satisfied"], row["answers"])
    return row


def disclosure_figures(disclosures: QuerySet[Disclosure]) -> dict[str, Any]:
    """Results residents can read now among ``disclosures`` (not withdrawn, item still done), and their villages."""
    row: dict[str, Any] = disclosures.order_by().aggregate(
        published=Count("pk", filter=SHOWN_Q),
        villages=Count("item__village", filter=SHOWN_Q, distinct=True),
    )
    return row
