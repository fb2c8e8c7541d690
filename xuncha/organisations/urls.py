from django.urls import path

from xuncha.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("villages/", views.village_list, name="village-list"),
    path("<str:code>/", views.unit_detail, name="unit-detail"),
    path("<str:code>/category/", views.village_classify, name="village-classify"),
]
