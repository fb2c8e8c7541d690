"""/api/v1/ routes of the findings app."""

from rest_framework.routers import SimpleRouter

from xuncha.findings.api import views

router = SimpleRouter()
router.register("problems", views.ProblemViewSet, basename="problem")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("petitions", views.PetitionViewSet, basename="petition")
router.register("clues", views.ClueViewSet, basename="clue")

urlpatterns = router.urls
