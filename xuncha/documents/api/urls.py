"""API paths of the documents app: /api/v1/documents/…"""

from django.urls import URLPattern, URLResolver, include, path

from xuncha.documents.api import bundles, docs, exports, imports

urlpatterns: list[URLPattern | URLResolver] = [
    path("documents/", include(docs.urlpatterns)),
    path("documents/", include(exports.urlpatterns)),
    path("documents/", include(imports.urlpatterns)),
    path("documents/", include(bundles.urlpatterns)),
]
