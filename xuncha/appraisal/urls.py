"""The appraisal's pages: the group's under /appraisals/ (opened from an assignment), the residents' form under /p/."""

from django.urls import path

from xuncha.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("assignments/<int:assignment_pk>/appraisals/new/", views.appraisal_new, name="new"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="detail"),
    path("appraisals/<int:pk>/paper/", views.appraisal_paper, name="paper"),
    path("appraisals/<int:pk>/close/", views.appraisal_close, name="close"),
    path("appraisals/<int:pk>/export/", views.appraisal_export, name="export"),
    path("p/appraisal/<uuid:public_key>/", views.appraisal_public, name="public"),
]
