"""List pages with filters and an audited CSV/XLSX export of exactly what the page lists."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from .exports import Column, export_response

EXPORT_FORMATS = frozenset({"csv", "xlsx"})


def chosen_tab(request: HttpRequest, tabs: Container[str], default: str) -> str:
    """The `?tab=` of a tabbed list page, or its default when the value is not one of its tabs."""
    wanted = request.GET.get("tab", default)
    return wanted if wanted in tabs else default


class ExportableListMixin:
    """`?export=csv|xlsx` downloads the filtered (and scoped) queryset of a ListView.

    Subclasses give `export_name` and `export_columns()`; the page keeps its filters in
    `query_string` so pagination and download links carry them.
    """

    export_name: str = ""
    request: HttpRequest

    def export_columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def export_records(self, queryset: QuerySet[Any]) -> Iterable[Any]:
        return queryset

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            queryset = self.get_queryset()  # type: ignore[attr-defined]
            if getattr(self, "filter_error", None) is None:
                return export_response(
                    self.export_records(queryset),
                    self.export_columns(),
                    what=self.export_name,
                    filename=self.export_name.replace("_", "-"),
                    fmt=fmt,
                    filters={k: v for k, v in request.GET.items() if k != "export"},
                )
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["params"] = self.request.GET
        context["query_string"] = query.urlencode()
        return context
