"""/api/v1/ routes of the outcomes app."""

from rest_framework.routers import SimpleRouter

from xuncha.outcomes.api import views

router = SimpleRouter()
router.register("outcomes", views.OutcomeViewSet, basename="outcome")

urlpatterns = router.urls
