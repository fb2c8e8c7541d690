"""The filters of the appraisal list (API)."""

from __future__ import annotations

import django_filters

from xuncha.appraisal.models import Appraisal


class AppraisalFilter(django_filters.FilterSet):
    village = django_filters.CharFilter(field_name="village__code", label="village code")

    class Meta:
        model = Appraisal
        fields = ["assignment", "status", "village"]
