from django.urls import path

from .views import bimonthly, dashboard, evaluations, meetings, months, subsidies
from .views import plans as views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("analysis/", views.AnalysisView.as_view(), name="analysis"),
    path(
        "analysis/download/<slug:fmt>/",
        views.AnalysisDownloadView.as_view(),
        name="analysis_download",
    ),
    path("submission/", views.SubmissionView.as_view(), name="submission"),
    path(
        "months/<int:year>-<int:month>/close/",
        months.CloseMonthView.as_view(),
        name="close_month",
    ),
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("bimonthly/", bimonthly.BimonthlyView.as_view(), name="bimonthly"),
    path(
        "bimonthly/download/<slug:fmt>/",
        bimonthly.BimonthlyDownloadView.as_view(),
        name="bimonthly_download",
    ),
    path("subsidies/", subsidies.SubsidyView.as_view(), name="subsidies"),
    path(
        "subsidies/download/<slug:fmt>/",
        subsidies.SubsidyDownloadView.as_view(),
        name="subsidies_download",
    ),
    path("meetings/", meetings.MeetingListView.as_view(), name="meetings"),
    path("meetings/new/", meetings.MeetingCreateView.as_view(), name="meeting_new"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting"),
    path(
        "meetings/<int:pk>/decisions/",
        meetings.DecisionCreateView.as_view(),
        name="meeting_decision",
    ),
    path(
        "meetings/<int:pk>/record.docx",
        meetings.MeetingDownloadView.as_view(),
        name="meeting_download",
    ),
    path("follow-ups/", meetings.FollowUpListView.as_view(), name="follow_ups"),
    path("follow-ups/<int:pk>/", meetings.FollowUpDetailView.as_view(), name="follow_up"),
    path("evaluations/", evaluations.RoundListView.as_view(), name="evaluations"),
    path("evaluations/<int:year>/", evaluations.RoundDetailView.as_view(), name="evaluation_round"),
    path(
        "evaluations/<int:year>/rubric/",
        evaluations.RubricView.as_view(),
        name="evaluation_rubric",
    ),
    path(
        "evaluations/<int:year>/publish/",
        evaluations.PublishView.as_view(),
        name="evaluation_publish",
    ),
    path(
        "evaluations/<int:year>/results/",
        evaluations.ResultsView.as_view(),
        name="evaluation_results",
    ),
    path(
        "evaluations/<int:year>/results/download/<slug:fmt>/",
        evaluations.ResultsDownloadView.as_view(),
        name="evaluation_download",
    ),
    path(
        "evaluations/<int:year>/plans/<str:code>/",
        evaluations.EvaluationView.as_view(),
        name="evaluation",
    ),
    path("<str:code>/", views.PlanDetailView.as_view(), name="detail"),
    path("<str:code>/release/", views.ReleaseView.as_view(), name="release"),
    path(
        "<str:code>/work-plans/<int:version>/decide/",
        views.WorkPlanDecisionView.as_view(),
        name="decide_work_plan",
    ),
    path(
        "<str:code>/report/<int:year>-<int:month>/",
        views.ReportFormView.as_view(),
        name="report",
    ),
]
