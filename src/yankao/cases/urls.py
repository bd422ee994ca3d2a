from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("new/", views.IntakeView.as_view(), name="new"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("map/", views.MapView.as_view(), name="map"),
    path("bulk-accept/", views.BulkAcceptView.as_view(), name="bulk_accept"),
    path("<str:number>/", views.CaseDetailView.as_view(), name="detail"),
    path("<str:number>/reveal/", views.RevealView.as_view(), name="reveal"),
    path("<str:number>/<str:action>/", views.CaseActionView.as_view(), name="action"),
]
