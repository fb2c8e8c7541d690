"""The office's side of the residents' pages, under ``/disclosure/``: a village's published results and surveys."""

from django.urls import path, re_path

from xuncha.public import office_views

app_name = "disclosure"

urlpatterns = [
    re_path(r"^(?P<code>[0-9]{12})/$", office_views.village, name="village"),
    path("<str:code>/items/<int:pk>/publish/", office_views.publish, name="publish"),
    path("<str:code>/disclosures/<int:pk>/withdraw/", office_views.withdraw, name="withdraw"),
    path("<str:code>/surveys/", office_views.survey_open, name="survey-open"),
    path("<str:code>/surveys/<int:pk>/close/", office_views.survey_close, name="survey-close"),
]
