app_name = "findings"

urlpatterns: list[object] = []
