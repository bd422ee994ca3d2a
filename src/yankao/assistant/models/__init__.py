"""Assistant models, one module per subject; import them from here."""

from .conversations import Conversation, Exchange
from .faq import FaqEntry, FaqStatus, FaqVersion, Synonym, Topic, VersionStatus
from .mining import (
    CandidateStatus,
    CategoryAlias,
    FaqCandidate,
    SuggestionFeedback,
    SuggestionModel,
)

__all__ = [
    "CandidateStatus",
    "CategoryAlias",
    "Conversation",
    "Exchange",
    "FaqCandidate",
    "FaqEntry",
    "FaqStatus",
    "FaqVersion",
    "SuggestionFeedback",
    "SuggestionModel",
    "Synonym",
    "Topic",
    "VersionStatus",
]
