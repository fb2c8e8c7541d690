from django.urls import path

from xuncha.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.unit_dashboard, name="unit"),
    path("<str:code>/problems/", views.problem_list, name="problem-list"),
    path("<str:code>/suggestions/", views.suggestion_list, name="suggestion-list"),
]
