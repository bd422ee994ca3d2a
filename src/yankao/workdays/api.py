"""The working-day calendar over the API (under /api/v1/). Dates and times are ISO 8601.

Reading needs a login; writing declared days needs the commission administrator role.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from . import services
from .forms import MAX_HOURS, MAX_WORKING_DAYS
from .models import DISTRICT_CHOICES, DeclaredDay, DeclaredDayKind
from .permissions import can_declare

MAX_DAYS_SPAN = 366


# --- Fields and checks -------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "description": "ISO 8601 date (2024-02-16) or date and time (2024-02-16T09:30:00+08:00).",
        "example": "2024-02-16",
    }
)
class DateOrDateTimeField(serializers.Field):
    """A date, or a datetime (one without an offset is read as Taiwan time)."""

    default_error_messages = {
        "invalid": _(
            "Enter an ISO 8601 date such as 2024-02-16, or a date and time such as "
            "2024-02-16T09:30:00+08:00."
        )
    }

    def to_internal_value(self, data: Any) -> dt.date | dt.datetime:
        text = str(data).strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return serializers.DateTimeField().to_internal_value(text)
        except (ValueError, serializers.ValidationError):
            self.fail("invalid")

    def to_representation(self, value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(services.TAIPEI).isoformat()
        return value.isoformat()


def _district_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=DISTRICT_CHOICES,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("A Kaohsiung district such as 鳳山區; empty for the whole city."),
        **kwargs,
    )


def _check_in_calendar(field: str, day: dt.date) -> None:
    first, last = services.calendar_bounds()
    if not first <= day <= last:
        raise serializers.ValidationError(
            {
                field: [
                    gettext("The calendar covers %(first)s to %(last)s only.")
                    % {"first": first.isoformat(), "last": last.isoformat()}
                ]
            }
        )


# --- Read-only calendar endpoints --------------------------------------------------------------


class DaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day, ISO 8601.")
    end = serializers.DateField(help_text=f"Last day, ISO 8601; at most {MAX_DAYS_SPAN} days.")
    district = _district_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_in_calendar("start", attrs["start"])
        _check_in_calendar("end", attrs["end"])
        span = (attrs["end"] - attrs["start"]).days + 1
        if span < 1:
            raise serializers.ValidationError(
                {"end": [gettext("The end date must not be before the start date.")]}
            )
        if span > MAX_DAYS_SPAN:
            raise serializers.ValidationError(
                {"end": [gettext("Ask for at most %(n)s days at a time.") % {"n": MAX_DAYS_SPAN}]}
            )
        return attrs


class CalendarDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.IntegerField(help_text="ISO weekday: 1 = Monday … 7 = Sunday.")
    is_working_day = serializers.BooleanField(
        help_text="Offices open, after national holidays, make-up days and declared days."
    )
    is_weekend = serializers.BooleanField()
    is_makeup_workday = serializers.BooleanField(help_text="A weekend day worked (補班).")
    holiday_name_zh = serializers.CharField(help_text="National holiday name; empty if none.")
    holiday_name_en = serializers.CharField()
    declared_kind = serializers.ChoiceField(
        choices=DeclaredDayKind.choices,
        allow_blank=True,
        help_text="The commission's declaration for this scope; empty if none.",
    )
    declared_reason = serializers.CharField()
    declared_district = serializers.CharField(
        help_text="District of the declaration; empty for the whole city."
    )


class CalendarDaysSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    district = serializers.CharField()
    days = CalendarDaySerializer(many=True)


class CalendarDaysView(APIView):
    """Every day of a span with its working-day status, holiday name and declarations."""

    @extend_schema(
        operation_id="calendar_days",
        parameters=[DaysQuerySerializer],
        responses={200: CalendarDaysSerializer, 400: OpenApiResponse(description="Bad input")},
    )
    def get(self, request: Request) -> Response:
        query = DaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        district = query.validated_data["district"]
        days = services.calendar_days(start, end, district or None)
        return Response(
            CalendarDaysSerializer(
                {"start": start, "end": end, "district": district, "days": days}
            ).data
        )


class AddWorkingDaysQuerySerializer(serializers.Serializer):
    start = DateOrDateTimeField(help_text="The start (not counted).")
    days = serializers.IntegerField(min_value=0, max_value=MAX_WORKING_DAYS)
    district = _district_field()


class WorkingDayDeadlineSerializer(serializers.Serializer):
    start = DateOrDateTimeField()
    days = serializers.IntegerField()
    district = serializers.CharField()
    due_date = serializers.DateField(help_text="The last working day.")
    deadline = serializers.DateTimeField(help_text="23:59:59.999999 Taiwan time on due_date.")


class AddWorkingDaysView(APIView):
    """start + N working days: the due date and the moment the deadline runs out."""

    @extend_schema(
        operation_id="calendar_add_working_days",
        parameters=[AddWorkingDaysQuerySerializer],
        responses={
            200: WorkingDayDeadlineSerializer,
            400: OpenApiResponse(description="Bad input"),
        },
    )
    def get(self, request: Request) -> Response:
        query = AddWorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        days = query.validated_data["days"]
        district = query.validated_data["district"]
        try:
            due = services.add_working_days(start, days, district or None)
        except services.CalendarRangeError as exc:
            field = "start" if exc.day == services.to_taiwan_date(start) else "days"
            raise serializers.ValidationError({field: [str(exc)]}) from exc
        payload = {
            "start": start,
            "days": days,
            "district": district,
            "due_date": due,
            "deadline": services.end_of_day(due),
        }
        return Response(WorkingDayDeadlineSerializer(payload).data)


class AddHoursQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(
        help_text="ISO 8601 date and time; without an offset it is read as Taiwan time."
    )
    hours = serializers.FloatField(min_value=0, max_value=MAX_HOURS)


class HourDeadlineSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    hours = serializers.FloatField()
    due = serializers.DateTimeField(help_text="start + hours of elapsed time, Taiwan time.")


class AddHoursView(APIView):
    """start + N clock hours, day and night (dispatch deadlines)."""

    @extend_schema(
        operation_id="calendar_add_hours",
        parameters=[AddHoursQuerySerializer],
        responses={200: HourDeadlineSerializer, 400: OpenApiResponse(description="Bad input")},
    )
    def get(self, request: Request) -> Response:
        query = AddHoursQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, hours = query.validated_data["start"], query.validated_data["hours"]
        try:
            due = services.add_calendar_hours(start, hours)
        except services.WorkdaysError as exc:
            raise serializers.ValidationError({"hours": [str(exc)]}) from exc
        return Response(HourDeadlineSerializer({"start": start, "hours": hours, "due": due}).data)


# --- Declared days -----------------------------------------------------------------------------


class DeclaredDaysPermission(BasePermission):
    """Any signed-in user reads; only commission administrators write."""

    message = _("Only commission administrators may declare closures and working days.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_declare(user)


class DeclaredDaySerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = DeclaredDay
        fields = ["id", "date", "kind", "district", "reason", "created_by", "created_at"]
        read_only_fields = ["created_at"]
        # The model's clean() reports a duplicate (date, district) on the date field.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The model's own rules (calendar years, duplicates, no-op declarations)."""
        candidate = copy.copy(self.instance) if self.instance else DeclaredDay()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=["created_by", "created_at"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Only days in this year."),
            OpenApiParameter("kind", str, enum=DeclaredDayKind.values),
            OpenApiParameter("district", str, description="Only this district's own days."),
            OpenApiParameter(
                "city_wide", bool, description="true: only city-wide days; false: none of them."
            ),
        ]
    )
)
class DeclaredDayViewSet(viewsets.ModelViewSet):
    """Closures (停止上班) and extra working days declared for the city or one district."""

    serializer_class = DeclaredDaySerializer
    permission_classes = [DeclaredDaysPermission]
    queryset = DeclaredDay.objects.select_related("created_by").order_by("-date", "district")

    def get_queryset(self) -> QuerySet[DeclaredDay]:
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        year = params.get("year")
        if year:
            if year.isdigit():
                queryset = queryset.filter(date__year=int(year))
            else:
                errors["year"] = [gettext("Enter a year such as 2024.")]
        kind = params.get("kind")
        if kind:
            if kind in DeclaredDayKind.values:
                queryset = queryset.filter(kind=kind)
            else:
                errors["kind"] = [
                    gettext("Choose one of: %(values)s.")
                    % {"values": ", ".join(DeclaredDayKind.values)}
                ]
        district = params.get("district")
        if district:
            if district in dict(DISTRICT_CHOICES):
                queryset = queryset.filter(district=district)
            else:
                errors["district"] = [gettext("Use a Kaohsiung district name such as 鳳山區.")]
        city_wide = params.get("city_wide")
        if city_wide:
            if city_wide.lower() in {"true", "1"}:
                queryset = queryset.filter(district="")
            elif city_wide.lower() in {"false", "0"}:
                queryset = queryset.exclude(district="")
            else:
                errors["city_wide"] = [gettext("Use true or false.")]
        if errors:
            raise serializers.ValidationError(errors)
        return queryset

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(created_by=self.request.user)


router = SimpleRouter()
router.register("calendar/declared-days", DeclaredDayViewSet, basename="workdays-declared-day")

urlpatterns = [
    path("calendar/days/", CalendarDaysView.as_view(), name="workdays-days"),
    path(
        "calendar/add-working-days/",
        AddWorkingDaysView.as_view(),
        name="workdays-add-working-days",
    ),
    path("calendar/add-hours/", AddHoursView.as_view(), name="workdays-add-hours"),
    *router.urls,
]
