"""One limit per text field: no form takes more characters than the column it is saved to holds (issue #14)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String

import handlers.registry  # noqa: F401  (registers every form)
from domain.reports import ReportKind
from handlers.forms.spec import FORMS, Kind
from storage.models import (
    Acceptance,
    ApprovalRequest,
    ApprovalStep,
    AttendancePunch,
    Contract,
    Customer,
    FixedAsset,
    GoodsReceipt,
    Instalment,
    Meeting,
    MonthlyScore,
    Payment,
    ProbationEvaluation,
    RepairRecord,
    Report,
    Tender,
    Visit,
)

SAVED_TO: dict[tuple[str, str], Any] = {
    ("customer", "name"): Customer.name,
    ("customer", "address"): Customer.address,
    ("customer", "contact"): Customer.contact,
    ("customer", "route"): Customer.route,
    ("repair", "reporter"): RepairRecord.reporter,
    ("repair", "fault"): RepairRecord.fault,
    ("repair_close", "accepted_by"): RepairRecord.accepted_by,
    ("repair_close", "cause"): RepairRecord.cause,
    ("repair_close", "resolution"): RepairRecord.resolution,
    ("repair_accept", "accepted_by"): RepairRecord.accepted_by,
    ("visit", "people_met"): Visit.people_met,
    ("visit", "outcome"): Visit.outcome,
    ("visit", "next_step"): Visit.next_step,
    ("payment", "draft_no"): Payment.draft_no,
    ("payment", "note"): Payment.note,
    ("contract", "project"): Contract.project,
    ("tender", "project"): Tender.project,
    **{("contract", stage): Instalment.term for stage in ("advance", "delivery", "acceptance", "warranty")},
    ("leave", "reason"): ApprovalRequest.payload,
    ("leave", "destination"): ApprovalRequest.payload,
    ("leave", "purpose"): ApprovalRequest.payload,
    ("expense", "project"): ApprovalRequest.payload,
    ("expense", "reason"): ApprovalRequest.payload,
    **{(form, "text"): ApprovalStep.comment for form in ("approval_comment", "approval_reject", "approval_send_back")},
    ("overtime", "reason"): ApprovalRequest.payload,
    ("report_comment", "comment"): Report.review_comment,
    ("probation_evaluation", "text"): ProbationEvaluation.text,
    ("monthly_score", "comment"): MonthlyScore.comment,
    ("asset", "asset_no"): FixedAsset.asset_no,
    ("asset", "name"): FixedAsset.name,
    ("asset", "location"): FixedAsset.location,
    ("purchase", "item"): ApprovalRequest.payload,
    ("goods_receipt", "goods"): GoodsReceipt.goods,
    ("goods_receipt", "note"): GoodsReceipt.note,
    ("acceptance", "signatory"): Acceptance.signatory,
    ("meeting", "topic"): Meeting.topic,
    ("meeting_minutes", "minutes"): Meeting.minutes,
    ("meeting_minutes", "tasks"): Meeting.minutes,
    ("purchase", "reason"): ApprovalRequest.payload,
    ("checkin", "place"): AttendancePunch.place,
    ("checkout", "place"): AttendancePunch.place,
    **{(f"report_{kind}{suffix}", name): getattr(Report, name) for kind in ReportKind
       for suffix in ("", "_office", "_region") for name in ("summary", "plan")},
}


def text_fields() -> list[tuple[str, str, int]]:
    """(form, field, max length) of every typed-text question of every registered form."""
    return [(form.name, field.name, field.max_length) for form in FORMS.values() for field in form.fields
            if field.kind in (Kind.text, Kind.long_text)]


def test_every_text_field_names_the_column_it_is_saved_to() -> None:
    unmapped = [(form, name) for form, name, _limit in text_fields() if (form, name) not in SAVED_TO]
    assert unmapped == []


def test_no_text_field_takes_more_than_its_column_holds() -> None:
    too_long = []
    for form, name, limit in text_fields():
        column_type = SAVED_TO[(form, name)].property.columns[0].type
        length = column_type.length if isinstance(column_type, String) else None
        if length is not None and limit > length:
            too_long.append((form, name, limit, length))
        assert length is not None or isinstance(column_type, (String, JSON)), (form, name, column_type)
    assert too_long == []
