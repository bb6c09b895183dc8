"""SQLAlchemy models, one module per area; importing this package registers every table."""

from storage.models.base import Base
from storage.models.org import AuditEntry, Invite, Office, ProcessedUpdate, Staff, StaffRole
from storage.models.conversation import Draft, OutboxMessage
from storage.models.records import Customer, RepairRecord, Visit
from storage.models.attendance import AttendancePunch
from storage.models.approvals import ApprovalRequest, ApprovalStep
from storage.models.reports import JobRun, Report, ReminderSent

__all__ = [
    "ApprovalRequest",
    "ApprovalStep",
    "AttendancePunch",
    "AuditEntry",
    "Base",
    "Customer",
    "Draft",
    "Invite",
    "JobRun",
    "Office",
    "OutboxMessage",
    "ProcessedUpdate",
    "ReminderSent",
    "Report",
    "RepairRecord",
    "Staff",
    "StaffRole",
    "Visit",
]
