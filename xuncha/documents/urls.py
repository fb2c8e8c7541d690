"""Documents (.docx), exports (.xlsx), spreadsheet imports and round bundles."""

from django.urls import path

from xuncha.documents.views import bundles, dashboard, docs, exports, imports

app_name = "documents"

urlpatterns = [
    path("documents/", bundles.index, name="index"),
    # Official documents, built from the data on each request.
    path("documents/feedback/<int:pk>.docx", docs.feedback_docx, name="feedback-docx"),
    path("documents/notices/<int:pk>.docx", docs.notice_docx, name="notice-docx"),
    path("documents/rounds/<int:pk>/report.docx", docs.round_report_docx, name="round-report-docx"),
    path("documents/units/<str:code>/rectification.docx", docs.rectification_report_docx, name="rectification-docx"),
    path("documents/visits/<int:pk>.docx", docs.visit_docx, name="visit-docx"),
    path("documents/clues/<int:pk>.docx", docs.clue_docx, name="clue-docx"),
    # Spreadsheets out.
    path("documents/units/<str:code>/ledger.xlsx", exports.ledger_xlsx, name="ledger-xlsx"),
    path("documents/rounds/<int:pk>/problems.xlsx", exports.problems_xlsx, name="problems-xlsx"),
    path("documents/units/<str:code>/statistics.xlsx", exports.statistics_xlsx, name="statistics-xlsx"),
    # The dashboard as the monthly statistics report.
    path("documents/units/<str:code>/dashboard.docx", dashboard.dashboard_docx, name="dashboard-docx"),
    path("documents/units/<str:code>/dashboard.xlsx", dashboard.dashboard_xlsx, name="dashboard-xlsx"),
    # Spreadsheets in.
    path("documents/imports/", imports.import_list, name="import-list"),
    path("documents/imports/<str:kind>/template.xlsx", imports.import_template, name="import-template"),
    path("documents/imports/<str:kind>/new/", imports.import_new, name="import-new"),
    path("documents/imports/<int:pk>/", imports.import_detail, name="import-detail"),
    # A round's feedback documents as one .zip, built in the background.
    path("documents/rounds/<int:pk>/bundle/", bundles.bundle_start, name="bundle-start"),
    path("documents/bundles/<int:pk>/", bundles.bundle_detail, name="bundle-detail"),
    path("documents/bundles/<int:pk>/download/", bundles.bundle_download, name="bundle-download"),
]
