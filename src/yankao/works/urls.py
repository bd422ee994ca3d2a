from django.urls import path

from .views import monitoring, planning, projects, reports

app_name = "works"

# Each subject adds its pages here (views/<subject>.py).
urlpatterns: list = [
    path("projects/", projects.ProjectListView.as_view(), name="projects"),
    path("projects/import/", projects.ProjectImportView.as_view(), name="project_import"),
    path("projects/<int:pk>/", projects.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:pk>/progress/", projects.ProgressFormView.as_view(), name="progress"),
    path("progress/", projects.ProgressRatesView.as_view(), name="progress_rates"),
    path("planning/", planning.PlanningView.as_view(), name="planning"),
    path("planning/<int:pk>/schedule/", planning.ScheduleView.as_view(), name="schedule"),
    path("monitoring/", monitoring.MonitoringListView.as_view(), name="monitoring_list"),
    path("monitoring/new/", monitoring.MonitoringCreateView.as_view(), name="monitoring_new"),
    path("monitoring/<int:pk>/", monitoring.MonitoringDetailView.as_view(), name="monitoring"),
    path("statistics/", reports.StatisticsView.as_view(), name="statistics"),
    path(
        "statistics/download/<slug:fmt>/",
        reports.StatisticsDownloadView.as_view(),
        name="statistics_download",
    ),
    path("verification/", reports.VerificationView.as_view(), name="verification"),
    path("training/", reports.TrainingView.as_view(), name="training"),
]
