"""The appraisal's charts, drawn by ``static/xuncha/dashboard.js`` from a JSON spec like the dashboard's
(``dashboard.charts.Chart``): forms by respondent and channel, each item's grades, each item's satisfaction rate."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xuncha.appraisal.models import AppraisalForm, Rating
from xuncha.appraisal.queries import Tallies
from xuncha.dashboard.charts import Chart


def appraisal_charts(tallies: Tallies) -> dict[str, Chart]:
    labels = [str(row.item) for row in tallies.items]
    return {
        "forms": Chart(
            key="appraisal-forms",
            title=_("Forms by respondent"),
            kind="bar",
            labels=[row.label for row in tallies.kinds],
            series=[
                (str(AppraisalForm.Channel.PHONE.label), [row.phone for row in tallies.kinds]),
                (str(AppraisalForm.Channel.PAPER.label), [row.paper for row in tallies.kinds]),
            ],
            stacked=True,
        ),
        "grades": Chart(
            key="appraisal-grades",
            title=_("Grades of each item"),
            kind="hbar",
            labels=labels,
            series=[
                (str(label), [row.counts[index] for row in tallies.items])
                for index, (_value, label) in enumerate(Rating.choices)
            ],
            stacked=True,
        ),
        "satisfaction": Chart(
            key="appraisal-satisfaction",
            title=_("Satisfaction rate of each item"),
            kind="hbar",
            labels=labels,
            series=[(_("Satisfaction rate"), [float(row.satisfaction) for row in tallies.items])],
            percent=True,
        ),
    }
