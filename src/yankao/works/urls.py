from django.urls import path

from .views import defects, inspections, monitoring, planning, projects, reports

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
    path("inspections/", inspections.InspectionListView.as_view(), name="inspections"),
    path(
        "projects/<int:project_pk>/inspections/new/",
        inspections.NewInspectionView.as_view(),
        name="inspection_new",
    ),
    path("inspections/<int:pk>/", inspections.InspectionDetailView.as_view(), name="inspection"),
    path(
        "inspections/<int:pk>/record/",
        inspections.RecordView.as_view(),
        name="inspection_record",
    ),
    path("inspections/<int:pk>/draft/", inspections.DraftView.as_view(), name="inspection_draft"),
    path("defects/", defects.DefectBoardView.as_view(), name="defects"),
    path("defects/<int:pk>/", defects.DefectDetailView.as_view(), name="defect"),
    path("penalties/", defects.PenaltyListView.as_view(), name="penalties"),
    path("penalties/<int:pk>/", defects.PenaltyDetailView.as_view(), name="penalty"),
]
