"""SQLAlchemy models, one module per area; importing this package registers every table."""

from storage.models.approvals import ApprovalRequest, ApprovalStep
from storage.models.attendance import AttendancePunch
from storage.models.base import Base
from storage.models.contracts import Contract, Instalment, OfficeBudget, PaymentMatch, Tender
from storage.models.conversation import Draft, OutboxMessage, RetiredCard, ShownCard
from storage.models.leave import LeaveAdjustment
from storage.models.media import MediaFile
from storage.models.org import AuditEntry, InboxUpdate, Invite, Office, ProcessedUpdate, Staff, StaffRole
from storage.models.payments import Payment
from storage.models.records import Customer, RepairRecord, Visit
from storage.models.reports import JobRun, ReminderSent, Report
from storage.models.wecom import AccessToken

__all__ = [
    "AccessToken",
    "ApprovalRequest",
    "ApprovalStep",
    "AttendancePunch",
    "AuditEntry",
    "Base",
    "Contract",
    "Customer",
    "Draft",
    "InboxUpdate",
    "Instalment",
    "Invite",
    "JobRun",
    "LeaveAdjustment",
    "MediaFile",
    "Office",
    "OfficeBudget",
    "OutboxMessage",
    "Payment",
    "PaymentMatch",
    "ProcessedUpdate",
    "ReminderSent",
    "RepairRecord",
    "Report",
    "RetiredCard",
    "ShownCard",
    "Staff",
    "StaffRole",
    "Tender",
    "Visit",
]
