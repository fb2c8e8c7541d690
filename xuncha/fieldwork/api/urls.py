"""/api/v1/ routes of the fieldwork app."""

from rest_framework.routers import SimpleRouter

from xuncha.fieldwork.api import views

router = SimpleRouter()
router.register("talks", views.TalkViewSet, basename="talk")
router.register("document-reviews", views.DocumentReviewViewSet, basename="document-review")
router.register("field-visits", views.FieldVisitViewSet, basename="field-visit")
router.register("hearings", views.HearingViewSet, basename="hearing")

urlpatterns = router.urls
