"""GeoReport v2 paths, relative to the prefix the project mounts them at (open311/v2/)."""

from __future__ import annotations

from django.urls import re_path

from . import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FORMAT, views.service_detail, name="service"),
    re_path(r"^requests" + FORMAT, views.request_list, name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+?)" + FORMAT,
        views.request_detail,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FORMAT, views.token_detail, name="token"),
]
