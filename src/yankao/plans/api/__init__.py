"""The plan-control REST API: one module per subject, one URL list."""

from .dashboard import urlpatterns as dashboard_urls
from .evaluations import urlpatterns as evaluation_urls
from .meetings import urlpatterns as meeting_urls
from .plans import urlpatterns as plan_urls
from .subsidies import urlpatterns as subsidy_urls

urlpatterns = [*plan_urls, *dashboard_urls, *meeting_urls, *subsidy_urls, *evaluation_urls]
