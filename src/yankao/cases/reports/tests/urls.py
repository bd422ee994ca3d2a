"""The project's URLs plus the report pages, until the project includes them itself.

The report pages come first: the case pages' `cases/<number>/` would otherwise take "reports".
"""

from django.urls import URLPattern, URLResolver, include, path

from yankao.urls import urlpatterns as project_urlpatterns

included = any(getattr(p, "namespace", None) == "case_reports" for p in project_urlpatterns)
urlpatterns: list[URLPattern | URLResolver] = [
    *([] if included else [path("cases/reports/", include("yankao.cases.reports.urls"))]),
    *project_urlpatterns,
]
