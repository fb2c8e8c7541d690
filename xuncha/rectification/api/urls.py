"""/api/v1/ routes of the rectification app."""

from rest_framework.routers import SimpleRouter

from xuncha.rectification.api import views

router = SimpleRouter()
router.register("lists", views.ProblemListViewSet, basename="problem-list")
router.register("feedback", views.FeedbackViewSet, basename="feedback")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("items", views.LedgerItemViewSet, basename="item")
router.register("extensions", views.ExtensionRequestViewSet, basename="extension")
router.register("parties", views.ResponsiblePartyViewSet, basename="party")
router.register("visits", views.ReturnVisitViewSet, basename="visit")
router.register("figures", views.FiguresViewSet, basename="figures")

urlpatterns = router.urls
