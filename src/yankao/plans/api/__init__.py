"""The plan-control REST API: one module per subject, one URL list."""

from .plans import urlpatterns as plan_urls

urlpatterns = [*plan_urls]
