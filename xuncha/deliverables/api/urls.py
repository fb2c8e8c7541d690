"""/api/v1/ routes of the deliverables app."""

from rest_framework.routers import SimpleRouter

from xuncha.deliverables.api import views

router = SimpleRouter()
router.register("deliverables", views.DeliverableViewSet, basename="deliverable")

urlpatterns = router.urls
