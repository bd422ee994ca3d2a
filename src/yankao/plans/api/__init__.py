"""The plan-control REST API: one module per subject, one URL list."""

from .meetings import urlpatterns as meeting_urls
from .plans import urlpatterns as plan_urls
from .subsidies import urlpatterns as subsidy_urls

urlpatterns = [*plan_urls, *meeting_urls, *subsidy_urls]
