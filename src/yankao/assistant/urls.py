app_name = "assistant"

# Each subject adds its pages here (views/<subject>.py).
urlpatterns: list = []

# FAQ candidates mined from closed cases.
from django.urls import path  # noqa: E402

from .views import candidates  # noqa: E402

urlpatterns += [
    path("candidates/", candidates.CandidateListView.as_view(), name="candidates"),
    path("candidates/<int:pk>/", candidates.CandidateDetailView.as_view(), name="candidate"),
]
