"""Pages of a round's preparation, under /planning/."""

from django.urls import path

from xuncha.planning import views

app_name = "planning"

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", views.plan_update, name="plan-update"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:pk>/approve/", views.plan_decide, {"decision": "approve"}, name="plan-approve"),
    path("plans/<int:pk>/return/", views.plan_decide, {"decision": "return"}, name="plan-return"),
    path("plans/<int:pk>/docx/", views.plan_docx, name="plan-docx"),
    path("rounds/<int:pk>/", views.round_planning, name="round"),
    path("rounds/<int:pk>/plans/", views.plan_create, name="plan-create"),
    path("rounds/<int:pk>/declaration/", views.declaration_sign, name="declaration-sign"),
    path("rounds/<int:pk>/enquiries/", views.enquiry_create, name="enquiry-create"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry-detail"),
    path("enquiries/<int:pk>/reply/", views.enquiry_reply, name="enquiry-reply"),
    path("enquiries/<int:pk>/docx/", views.enquiry_docx, name="enquiry-docx"),
    path("enquiries/<int:pk>/files/<int:evidence_pk>/", views.enquiry_file, name="enquiry-file"),
    path("enquiries/<int:pk>/leads/", views.lead_create, name="lead-create"),
    path("leads/<int:pk>/close/", views.lead_close, name="lead-close"),
]
