from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = _("Yankao administration")
admin.site.site_title = _("Yankao administration")
admin.site.index_title = _("Site administration")

# The busiest routes first: Django tries the patterns in order on every request.
api_patterns = [
    path("", include("yankao.cases.api")),
    path("", include("yankao.agencies.api")),
    path("", include("yankao.workdays.api")),
    path("", include("yankao.audit.api")),
    path("", include("yankao.attachments.api")),
    path("", include("yankao.plans.api")),
    path("", include("yankao.works.api")),
    path("", include("yankao.assistant.api")),
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("", include("yankao.core.urls")),
    path("agencies/", include("yankao.agencies.urls")),
    path("calendar/", include("yankao.workdays.urls")),
    path("audit/", include("yankao.audit.urls")),
    path("attachments/", include("yankao.attachments.urls")),
    path("cases/reports/", include("yankao.cases.reports.urls")),
    path("cases/", include("yankao.cases.urls")),
    path("plans/", include("yankao.plans.urls")),
    path("works/", include("yankao.works.urls")),
    path("assistant/", include("yankao.assistant.urls")),
    path("", include("yankao.cases.public_urls")),
    path("open311/v2/", include("yankao.cases.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
