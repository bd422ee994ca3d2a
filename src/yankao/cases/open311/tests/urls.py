"""The project's URLs plus Open311 at open311/v2/, until the project includes it itself."""

from __future__ import annotations

from django.urls import include, path

from yankao.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("open311/v2/", include("yankao.cases.open311.urls")),
    *project_urlpatterns,
]
