"""The REST API: /api/v1/… (each app's api/urls.py), the OpenAPI schema and the local Swagger UI."""

urlpatterns: list[object] = []
