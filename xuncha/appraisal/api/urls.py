"""/api/v1/ routes of the appraisal app."""

from rest_framework.routers import SimpleRouter

from xuncha.appraisal.api import views

router = SimpleRouter()
router.register("appraisals", views.AppraisalViewSet, basename="appraisal")

urlpatterns = router.urls
