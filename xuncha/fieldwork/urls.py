from django.urls import path

from xuncha.fieldwork import views

app_name = "fieldwork"

urlpatterns = [
    path("assignments/<int:pk>/talks/new/", views.talk_create, name="talk-create"),
    path("assignments/<int:pk>/document-reviews/new/", views.review_create, name="review-create"),
    path("assignments/<int:pk>/field-visits/new/", views.visit_create, name="visit-create"),
    path("assignments/<int:pk>/hearings/new/", views.hearing_create, name="hearing-create"),
    path("talks/<int:pk>/", views.talk_detail, name="talk-detail"),
    path("talks/<int:pk>/scan/", views.talk_scan, name="talk-scan"),
    path("talks/<int:pk>/sign/", views.talk_sign, name="talk-sign"),
    path("talks/<int:pk>/clue/", views.talk_clue, name="talk-clue"),
    path("document-reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("document-reviews/<int:pk>/return/", views.review_return, name="review-return"),
    path("field-visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("hearings/<int:pk>/", views.hearing_detail, name="hearing-detail"),
    path("fieldwork/<str:kind>/<int:pk>/problem/", views.record_problem, name="record-problem"),
    path("fieldwork/<str:kind>/<int:pk>/files/<int:evidence_pk>/", views.record_file, name="record-file"),
]
