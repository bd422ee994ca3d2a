"""Works inspection models, one module per subject; import them from here."""

from .inspections import (
    Defect,
    DefectCode,
    DefectEvent,
    DefectStatus,
    Grade,
    Inspection,
    InspectionMember,
    InspectionStatus,
    Party,
    PenaltyFollowUp,
    PenaltyMeasure,
    PenaltyStatus,
    Severity,
)
from .monitoring import (
    MonitoringEvent,
    MonitoringGroup,
    MonitoringItem,
    MonitoringReport,
    MonitoringStatus,
    ProgressVerification,
    TrainingSession,
)
from .projects import ProgressEntry, ProjectStatus, WorksProject

__all__ = [
    "Defect",
    "DefectCode",
    "DefectEvent",
    "DefectStatus",
    "Grade",
    "Inspection",
    "InspectionMember",
    "InspectionStatus",
    "MonitoringEvent",
    "MonitoringGroup",
    "MonitoringItem",
    "MonitoringReport",
    "MonitoringStatus",
    "Party",
    "PenaltyFollowUp",
    "PenaltyMeasure",
    "PenaltyStatus",
    "ProgressEntry",
    "ProgressVerification",
    "ProjectStatus",
    "Severity",
    "TrainingSession",
    "WorksProject",
]
