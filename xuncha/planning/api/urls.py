"""/api/v1/ routes of the planning app."""

from rest_framework.routers import SimpleRouter

from xuncha.planning.api import views

router = SimpleRouter()
router.register("work-plans", views.WorkPlanViewSet, basename="work-plan")
router.register("recusal-declarations", views.DeclarationViewSet, basename="recusal-declaration")
router.register("enquiries", views.EnquiryViewSet, basename="enquiry")
router.register("leads", views.LeadViewSet, basename="lead")

urlpatterns = router.urls
