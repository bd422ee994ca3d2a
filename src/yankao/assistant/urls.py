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

# The FAQ knowledge base: entries, versions, the commission's approval.
from .views import faq  # noqa: E402

urlpatterns += [
    path("faq/", faq.FaqListView.as_view(), name="faq"),
    path("faq/new/", faq.FaqCreateView.as_view(), name="faq_new"),
    path("faq/preview/", faq.FaqPreviewView.as_view(), name="faq_preview"),
    path("faq/<int:pk>/", faq.FaqDetailView.as_view(), name="faq_entry"),
    path("faq/<int:pk>/edit/", faq.FaqEditView.as_view(), name="faq_edit"),
]

# Citizens' chat (public, no login) with its hand-off to a case; editors' unanswered questions.
from .views import chat  # noqa: E402

urlpatterns += [
    path("", chat.ChatView.as_view(), name="chat"),
    path("feedback/<int:pk>/", chat.FeedbackView.as_view(), name="feedback"),
    path("handoff/", chat.HandoffView.as_view(), name="handoff"),
    path("unanswered/", chat.UnansweredView.as_view(), name="unanswered"),
]
