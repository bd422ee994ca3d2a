"""Pages for citizens, no login: the mayor's mailbox and case tracking."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("mailbox/", views.MailboxView.as_view(), name="mailbox"),
    path("mailbox/suggest/", views.MailboxSuggestView.as_view(), name="mailbox_suggest"),
    path("track/", views.TrackView.as_view(), name="track"),
    path("track/survey/", views.SurveyView.as_view(), name="survey"),
]
