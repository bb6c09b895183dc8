"""SQLAlchemy models, one module per area; importing this package registers every table."""

from storage.models.approvals import ApprovalRequest, ApprovalStep
from storage.models.assets import AssetMove, FixedAsset, PurchaseProgress, Supply, SupplyMove
from storage.models.attendance import AttendancePunch
from storage.models.base import Base
from storage.models.contracts import Contract, Instalment, OfficeBudget, PaymentMatch, Tender
from storage.models.conversation import Draft, OutboxMessage, RetiredCard, ShownCard
from storage.models.leave import LeaveAdjustment
from storage.models.logistics import Acceptance, GoodsReceipt
from storage.models.media import MediaFile
from storage.models.meetings import Meeting, MeetingAttendance, MeetingSeries, MeetingTask
from storage.models.org import (
    AuditEntry,
    InboxUpdate,
    Invite,
    Office,
    ProcessedUpdate,
    Region,
    Staff,
    StaffRole,
)
from storage.models.payments import Payment
from storage.models.people import Departure, MonthlyScore, OnboardingItem, Probation, ProbationEvaluation
from storage.models.records import Customer, RepairRecord, Visit
from storage.models.reports import JobRun, ReminderSent, Report
from storage.models.wecom import AccessToken

__all__ = [
    "Acceptance",
    "AccessToken",
    "ApprovalRequest",
    "ApprovalStep",
    "AssetMove",
    "AttendancePunch",
    "AuditEntry",
    "Base",
    "Contract",
    "Customer",
    "Departure",
    "Draft",
    "FixedAsset",
    "GoodsReceipt",
    "InboxUpdate",
    "Instalment",
    "Invite",
    "JobRun",
    "LeaveAdjustment",
    "MediaFile",
    "Meeting",
    "MeetingAttendance",
    "MeetingSeries",
    "MeetingTask",
    "MonthlyScore",
    "Office",
    "OfficeBudget",
    "OnboardingItem",
    "OutboxMessage",
    "Payment",
    "PaymentMatch",
    "Probation",
    "ProbationEvaluation",
    "ProcessedUpdate",
    "PurchaseProgress",
    "Region",
    "ReminderSent",
    "RepairRecord",
    "Report",
    "RetiredCard",
    "ShownCard",
    "Staff",
    "StaffRole",
    "Supply",
    "SupplyMove",
    "Tender",
    "Visit",
]
