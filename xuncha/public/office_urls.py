"""The office's side of the residents' pages, under a village's page (``/units/<code>/disclosure/``): its published
results and surveys."""

from django.urls import path, re_path

from xuncha.public import office_views

app_name = "disclosure"

urlpatterns = [
    re_path(r"^(?P<code>[0-9]{12})/disclosure/$", office_views.village, name="village"),
    path("<str:code>/disclosure/items/<int:pk>/publish/", office_views.publish, name="publish"),
    path("<str:code>/disclosure/results/<int:pk>/withdraw/", office_views.withdraw, name="withdraw"),
    path("<str:code>/disclosure/surveys/", office_views.survey_open, name="survey-open"),
    path("<str:code>/disclosure/surveys/<int:pk>/close/", office_views.survey_close, name="survey-close"),
    path(
        "<str:code>/disclosure/confirmations/<int:pk>/photo/",
        office_views.confirmation_photo,
        name="confirmation-photo",
    ),
]
