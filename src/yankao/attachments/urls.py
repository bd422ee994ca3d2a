from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("<uuid:pk>/", views.download, name="download"),
    path("<uuid:pk>/remove/", views.remove_attachment, name="remove"),
]
