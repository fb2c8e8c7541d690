from django.urls import path

from xuncha.inspections import views

app_name = "inspections"

urlpatterns = [
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/terms/<str:code>/new/", views.term_create, name="term-create"),
    path("rounds/recusals/", views.recusal_list, name="recusal-list"),
    path("rounds/recusals/<int:pk>/withdraw/", views.recusal_withdraw, name="recusal-withdraw"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/move/", views.round_move, name="round-move"),
    path("rounds/<int:pk>/groups/new/", views.group_create, name="group-create"),
    path("rounds/<int:pk>/assign/", views.assignment_form, name="assignment-create"),
    path("rounds/groups/<int:pk>/members/new/", views.member_add, name="member-add"),
    path("rounds/memberships/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel, name="assignment-cancel"),
    path("assignments/<int:pk>/channels/new/", views.channel_publish, name="channel-publish"),
    path("rounds/channels/<int:pk>/withdraw/", views.channel_withdraw, name="channel-withdraw"),
]
