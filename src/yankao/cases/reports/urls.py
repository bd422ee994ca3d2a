"""Mounted at cases/reports/, before the case pages (whose `<number>/` would take "reports")."""

from django.urls import path

from . import views

app_name = "case_reports"

urlpatterns = [
    path("", views.MonthlyReportView.as_view(), name="monthly"),
    path("agency/<str:code>/", views.AgencyReportView.as_view(), name="agency"),
    path("download/<slug:fmt>/", views.ReportDownloadView.as_view(), name="download"),
]
