"""Filing a closed round (立卷归档) and its files."""

from django.urls import path

from xuncha.archive import views

app_name = "archive"

urlpatterns = [
    path("rounds/<int:pk>/archive/", views.round_archive, name="round-archive"),
    path("archives/<int:pk>/", views.archive_detail, name="archive-detail"),
    path("archives/<int:pk>/download/", views.archive_download, name="archive-download"),
]
