"""The works-inspection REST API: one module per subject, one URL list."""

from .inspections import urlpatterns as inspection_urls
from .monitoring import urlpatterns as monitoring_urls
from .projects import urlpatterns as project_urls

urlpatterns: list = [*project_urls, *monitoring_urls, *inspection_urls]
