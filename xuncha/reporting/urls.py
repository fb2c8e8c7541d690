"""Pages of the report chain: /reports/…, /meetings/…, /separate-feedback/…, and the forms reached from a round's
and an assignment's page."""

from django.urls import path

from xuncha.reporting import views

app_name = "reporting"

urlpatterns = [
    path("rounds/<int:pk>/reports/draft/", views.report_draft, name="report-draft"),
    path("rounds/<int:pk>/reports/special/", views.report_special, name="report-special"),
    path("rounds/<int:pk>/feedback-rule/", views.feedback_rule, name="feedback-rule"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/diff/", views.report_diff, name="report-diff"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report-docx"),
    path("reports/<int:pk>/save/", views.report_save, name="report-save"),
    path("reports/<int:pk>/versions/<int:number>/comment/", views.report_comment, name="report-comment"),
    path("reports/<int:pk>/gate/", views.report_gate, name="report-gate"),
    path("assignments/<int:pk>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("assignments/<int:pk>/separate-feedback/new/", views.separate_new, name="separate-new"),
    path("separate-feedback/<int:pk>/", views.separate_detail, name="separate-detail"),
]
