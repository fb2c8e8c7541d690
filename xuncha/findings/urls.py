from django.urls import path

from xuncha.findings import views

app_name = "findings"

urlpatterns = [
    path("assignments/<int:pk>/problems/new/", views.problem_create, name="problem-create"),
    path("assignments/<int:pk>/suggestions/new/", views.suggestion_create, name="suggestion-create"),
    path("assignments/<int:pk>/petitions/new/", views.petition_create, name="petition-create"),
    path("assignments/<int:pk>/clues/new/", views.clue_create, name="clue-create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/confirm/", views.problem_confirm, name="problem-confirm"),
    path("problems/<int:pk>/discard/", views.problem_discard, name="problem-discard"),
    path("problems/<int:pk>/notice/", views.notice_issue, name="notice-issue"),
    path("problems/<int:pk>/notice/complete/", views.notice_complete, name="notice-complete"),
    path("problems/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"),
    path("problems/<int:pk>/evidence/<int:evidence_pk>/", views.problem_file, name="problem-file"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion-decide"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition-detail"),
    path("petitions/<int:pk>/reveal/", views.petition_reveal, name="petition-reveal"),
    path("petitions/<int:pk>/dispose/", views.petition_dispose, name="petition-dispose"),
    path("petitions/<int:pk>/problem/", views.petition_to_problem, name="petition-problem"),
    path("petitions/<int:pk>/photos/<int:evidence_pk>/", views.petition_file, name="petition-file"),
    path("clues/", views.clue_list, name="clue-list"),
    path("clues/<int:pk>/", views.clue_detail, name="clue-detail"),
    path("clues/<int:pk>/transfer/", views.clue_transfer, name="clue-transfer"),
    path("clues/<int:pk>/receive/", views.clue_receive, name="clue-receive"),
    path("clues/<int:pk>/dispose/", views.clue_dispose, name="clue-dispose"),
    path("clues/<int:pk>/feedback/", views.clue_feedback, name="clue-feedback"),
]
