"""Pages of the deliverables of art. 27: /deliverables/…"""

from django.urls import path

from xuncha.deliverables import views

app_name = "deliverables"

urlpatterns = [
    path("", views.deliverable_list, name="list"),
    path("<int:pk>/", views.deliverable_detail, name="detail"),
    path("<int:pk>/draft/", views.deliverable_draft, name="draft"),
    path("<int:pk>/submit/", views.deliverable_submit, name="submit"),
    path("<int:pk>/review/", views.deliverable_review, name="review"),
    path("<int:pk>/accept/", views.deliverable_accept, name="accept"),
    path("<int:pk>/docx/", views.deliverable_docx, name="docx"),
    path("<int:pk>/scan/", views.deliverable_scan, name="scan"),
]
