"""Reviewing reports (审核、批示): the reviewer reads, comments and marks reviewed; the author is told.

Buttons on the reviewer's copy carry `REPORT_REVIEW` (report id, c|ok|r); every press reloads the report and
re-checks that the presser holds the configured reviewer role for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, case, update
from sqlalchemy.orm import Session

from domain.periods import parse_period_key
from domain.reports import ReportKind, ReportsConfig, deadline
from domain.roles import HQ_ROLES
from services.i18n.catalogs import translator
from services.messaging import outbox
from services.messaging.messages import OutMessage
from services.platform import audit, zones
from services.platform.staff import holders_of
from services.reports.texts import About, ReportCard, due_label, period_label, report_title, review_message
from storage.models import Office, Report, Staff
from storage.uow import UnitOfWork


class ReviewOutcome(StrEnum):
    """What a reviewer's press or comment did."""

    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"
    ALREADY_REVIEWED = "already_reviewed"


@dataclass(frozen=True)
class Reviewed:
    """The outcome, with the author's name for the reply."""

    outcome: ReviewOutcome
    author: str = ""


def may_review(configs: ReportsConfig, *, report: Report, reviewer: Staff) -> bool:
    """The configured reviewer role; an office role only for its own office; never one's own report."""
    role = configs.get(report.kind).reviewer
    if role is None or reviewer.id == report.staff_id or not reviewer.active or role not in reviewer.roles:
        return False
    return role in HQ_ROLES or reviewer.office_id == report.office_id


def reviewers_of(session: Session, *, report: Report, configs: ReportsConfig) -> list[Staff]:
    """Who reviews this report."""
    role = configs.get(report.kind).reviewer
    if role is None:
        return []
    return [s for s in holders_of(session, role=role, office_id=report.office_id) if s.id != report.staff_id]


def notify_reviewers(session: Session, *, report: Report, configs: ReportsConfig, now: datetime) -> None:
    """Queue the report, with its review buttons, to each reviewer in their language."""
    for reviewer in reviewers_of(session, report=report, configs=configs):
        card = report_card(session, report=report, configs=configs, locale=reviewer.locale)
        outbox.enqueue(session, staff_id=reviewer.id, message=review_message(card, _=translator(reviewer.locale)),
                       now=now)


def report_card(session: Session, *, report: Report, configs: ReportsConfig, locale: str) -> ReportCard:
    """A report with its author, office and deadline, as a reader in `locale` sees it."""
    author = session.get(Staff, report.staff_id)
    office = session.get(Office, report.office_id) if report.office_id else None
    tz = zones.zone_of(office)
    period = parse_period_key(report.period_key)
    due = deadline(configs.get(report.kind), period, tz)
    title = report_title(configs, report.kind, locale=locale, _=translator(locale))
    about = About(ReportKind(report.kind), title, period, due_label(due, tz))
    return ReportCard(report.id, author.name if author else "?", office.name if office else "-", about,
                      report.summary, report.plan, dict(report.figures or {}), report.late,
                      report.revised_at is not None, report.review_comment)


def _reviewable(session: Session, *, report_id: int, reviewer_id: int,
                configs: ReportsConfig) -> tuple[Report, Staff] | Reviewed:
    """The report and its reviewer when this person may review it; otherwise the refusal to return."""
    report, reviewer = session.get(Report, report_id), session.get(Staff, reviewer_id)
    if report is None or reviewer is None:
        return Reviewed(ReviewOutcome.NOT_FOUND)
    if not may_review(configs, report=report, reviewer=reviewer):
        return Reviewed(ReviewOutcome.NOT_ALLOWED)
    return report, reviewer


def check_reviewer(uow: UnitOfWork, *, report_id: int, reviewer_id: int, configs: ReportsConfig) -> Reviewed:
    """Whether this person may comment on this report now (before asking for the comment)."""
    with uow:
        found = _reviewable(uow.session, report_id=report_id, reviewer_id=reviewer_id, configs=configs)
        if isinstance(found, Reviewed):
            return found
        author = uow.session.get(Staff, found[0].staff_id)
        return Reviewed(ReviewOutcome.DONE, author.name if author else "?")


def comment_report(uow: UnitOfWork, *, report_id: int, reviewer_id: int, comment: str, now: datetime,
                   configs: ReportsConfig) -> Reviewed:
    """Record the reviewer's comment (批示) and send it to the author; audited."""
    with uow:
        session = uow.session
        found = _reviewable(session, report_id=report_id, reviewer_id=reviewer_id, configs=configs)
        if isinstance(found, Reviewed):
            return found
        report, reviewer = found
        # one conditional UPDATE: a report reviewed since we read it stays reviewed (the comment still goes out)
        stmt = (update(Report).where(Report.id == report_id)
                .values(review_comment=comment, reviewer_id=reviewer.id,
                        status=case((Report.status == "submitted", "commented"), else_=Report.status))
                .execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return Reviewed(ReviewOutcome.NOT_FOUND)
        session.expire(report)
        audit.record(session, actor_id=reviewer.id, action="report.comment", entity="report", entity_id=report.id,
                     at=now, detail={"comment": comment})
        _tell_author(session, report, reviewer, configs=configs, now=now, comment=comment)
        uow.commit()
        author = session.get(Staff, report.staff_id)
        return Reviewed(ReviewOutcome.DONE, author.name if author else "?")


def mark_reviewed(uow: UnitOfWork, *, report_id: int, reviewer_id: int, now: datetime,
                  configs: ReportsConfig) -> Reviewed:
    """Close the report for revision (exactly one press wins) and tell the author; audited."""
    with uow:
        session = uow.session
        found = _reviewable(session, report_id=report_id, reviewer_id=reviewer_id, configs=configs)
        if isinstance(found, Reviewed):
            return found
        report, reviewer = found
        author = session.get(Staff, report.staff_id)
        stmt = (update(Report).where(Report.id == report_id, Report.status != "reviewed")
                .values(status="reviewed", reviewer_id=reviewer.id, reviewed_at=now)
                .execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return Reviewed(ReviewOutcome.ALREADY_REVIEWED, author.name if author else "?")
        audit.record(session, actor_id=reviewer.id, action="report.review", entity="report", entity_id=report.id,
                     at=now)
        _tell_author(session, report, reviewer, configs=configs, now=now, comment=None)
        uow.commit()
        return Reviewed(ReviewOutcome.DONE, author.name if author else "?")


def _tell_author(session: Session, report: Report, reviewer: Staff, *, configs: ReportsConfig, now: datetime,
                 comment: str | None) -> None:
    """Queue the comment, or the 'reviewed' notice, to the report's author in their language."""
    author = session.get(Staff, report.staff_id)
    if author is None:
        return
    _ = translator(author.locale)
    card = report_card(session, report=report, configs=configs, locale=author.locale)
    what = {"title": card.about.title, "period": period_label(card.about.period), "name": reviewer.name}
    if comment is None:
        text = _("✅ {name} has reviewed your {title} for {period}.").format(**what)
    else:
        text = _("✍️ {name} commented on your {title} for {period}:\n{comment}").format(**what, comment=comment)
    outbox.enqueue(session, staff_id=author.id, message=OutMessage(text), now=now)


def read_report(uow: UnitOfWork, *, report_id: int, reader_id: int, configs: ReportsConfig) -> OutMessage | None:
    """The whole report for its reviewer (or author); None when not found or not theirs to read."""
    with uow:
        session = uow.session
        report, reader = session.get(Report, report_id), session.get(Staff, reader_id)
        if report is None or reader is None:
            return None
        if reader.id != report.staff_id and not may_review(configs, report=report, reviewer=reader):
            return None
        card = report_card(session, report=report, configs=configs, locale=reader.locale)
        return review_message(card, _=translator(reader.locale), full=True)
