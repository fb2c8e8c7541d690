"""/api/v1/ routes of the reporting app."""

from rest_framework.routers import SimpleRouter

from xuncha.reporting.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = router.urls
