"""Probation (试用期): the manager's evaluations, the 转正 chain, reminders, and HR's overview.

The sweep works per office-local day during working hours. For each open probation it asks the
direct manager for an evaluation at every point (`domain.people.evaluation_points`), reminds them
before the deadline, opens the 转正 request `confirm_days_before` the end — an ordinary approval
request (kind `confirmation`, the probationer as requester, chain manager → office head → HR) that
the approval cards, chasing and escalation handle like any other — and tells HR in the last days if
it is still undecided. A second sweep (`sweep_overdue_evaluations`, job `evaluation-chasing`) chases
the manager for an evaluation not written by its deadline and then tells the level above them, as
reports are chased. Every message is claimed in `reminders_sent` first, so nothing goes twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import workdays
from domain.approval_routing import resolve_chain
from domain.callbacks import EVALUATION, pack
from domain.people import (
    OverdueStep,
    PeopleConfig,
    confirmation_opens,
    end_reminder_due,
    evaluation_deadline,
    evaluation_points,
    evaluation_reminder_due,
    overdue_steps,
)
from domain.report_rules import in_working_hours
from domain.roles import PEOPLE_CARE_ROLES
from services.approvals.notices import current_step, names, send_card
from services.i18n.catalogs import N_, translator
from services.messaging import outbox
from services.messaging.messages import Button, OutMessage
from services.platform import audit, zones
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, holders_of, manager_of
from storage.models import ApprovalRequest, Office, Probation, ProbationEvaluation, Staff
from storage.uow import UnitOfWork

RATINGS = (("excellent", N_("Excellent")), ("good", N_("Good")), ("fair", N_("Fair")), ("poor", N_("Poor")))
RATING_LABELS = dict(RATINGS)
RATING_STARS = {"excellent": "★★★★", "good": "★★★☆", "fair": "★★☆☆", "poor": "★☆☆☆"}
"""Ratings as they appear on the 转正 card: the card's payload is read in every approver's language."""
OVERSEERS = PEOPLE_CARE_ROLES


def point_code(point: date) -> str:
    """A point as it travels in callback data: 20261224."""
    return point.strftime("%Y%m%d")


def parse_point(text: str) -> date | None:
    """The point back from callback data; None for anything forged."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def sweep_probation(uow: UnitOfWork, *, now: datetime, config: PeopleConfig,
                    is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Send what is due today for every open probation, each message once; returns how many were sent."""
    with uow:
        session = uow.session
        sent = 0
        for probation, person, today in _open_in_working_hours(session, now=now,
                                                               is_working_day=is_working_day):
            sent += _due_for(session, probation, person, today=today, config=config, now=now)
        uow.commit()
        return sent


def _open_in_working_hours(session: Session, *, now: datetime,
                           is_working_day: Callable[[date], bool]) -> Iterator[tuple[Probation, Staff, date]]:
    """Open probations of active people whose office is at work now, with the office-local day."""
    offices = {o.id: o for o in session.scalars(select(Office))}
    rows = session.execute(select(Probation, Staff).join(Staff, Staff.id == Probation.staff_id)
                           .where(Probation.closed.is_(False), Staff.active.is_(True))).all()
    for probation, person in rows:
        office = offices.get(person.office_id) if person.office_id else None
        local = now.astimezone(zones.zone_of(office))
        if office is not None and in_working_hours(local, start=office.work_start, end=office.work_end,
                                                   is_working_day=is_working_day):
            yield probation, person, local.date()


def sweep_overdue_evaluations(uow: UnitOfWork, *, now: datetime, config: PeopleConfig,
                              is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """Chase each evaluation not written by its deadline, then tell the level above, each once; how many."""
    with uow:
        session = uow.session
        sent = 0
        for probation, person, today in _open_in_working_hours(session, now=now,
                                                               is_working_day=is_working_day):
            _close_if_decided(session, probation)
            manager = manager_of(session, staff=person)
            if probation.closed or manager is None:
                continue
            written = set(session.scalars(select(ProbationEvaluation.point)
                                          .where(ProbationEvaluation.staff_id == person.id)))
            for point in evaluation_points(probation.starts_on, probation.ends_on, config.evaluate_every_months):
                for step in [] if point in written else overdue_steps(config, point=point, today=today):
                    if claim_reminder(session, key=f"prob-eval-{step.value}:{person.id}:{point}",
                                      staff_id=manager.id, now=now):
                        sent += _send_overdue(session, step, manager, person, point, config, now)
        uow.commit()
        return sent


def _send_overdue(session: Session, step: OverdueStep, manager: Staff, person: Staff, point: date,
                  config: PeopleConfig, now: datetime) -> int:
    """The manager chased with the form's button, or the level above them told (else HR)."""
    deadline = evaluation_deadline(config, point).isoformat()
    if step == OverdueStep.CHASE:
        _ = translator(manager.locale)
        text = _("⚠️ The probation evaluation of {name} (as of {point}) was due by {deadline} and is not written "
                 "yet. Please write it now.").format(name=person.name, point=point.isoformat(), deadline=deadline)
        button = Button(_("Write the evaluation"), pack(EVALUATION, staff=person.id, point=point_code(point)))
        outbox.enqueue(session, staff_id=manager.id, message=OutMessage(text, buttons=((button,),)), now=now)
        return 1
    above = manager_of(session, staff=manager)
    told = [above] if above is not None and above.id not in (manager.id, person.id) else [
        hr for hr in holders_of(session, role="hr", office_id=None) if hr.id not in (manager.id, person.id)]
    for boss in told:
        _ = translator(boss.locale)
        outbox.enqueue(session, staff_id=boss.id, now=now, message=OutMessage(_(
            "🚨 Escalation: {manager} has not written the probation evaluation of {name} (as of {point}, due "
            "{deadline}).").format(manager=manager.name, name=person.name, point=point.isoformat(),
                                   deadline=deadline)))
    return 1 if told else 0


def _due_for(session: Session, probation: Probation, person: Staff, *, today: date, config: PeopleConfig,
             now: datetime) -> int:
    """One person's evaluations, 转正 request and end reminder."""
    _close_if_decided(session, probation)
    if probation.closed:
        return 0
    sent = 0
    written = set(session.scalars(select(ProbationEvaluation.point)
                                  .where(ProbationEvaluation.staff_id == person.id)))
    manager = manager_of(session, staff=person)
    for point in evaluation_points(probation.starts_on, probation.ends_on, config.evaluate_every_months):
        if manager is None or point in written or not point <= today <= evaluation_deadline(config, point):
            continue
        if claim_reminder(session, key=f"prob-eval:{person.id}:{point}", staff_id=manager.id, now=now):
            _ask_evaluation(session, manager, person, point, config, now, reminder=False)
            sent += 1
        if evaluation_reminder_due(config, point=point, today=today) and claim_reminder(
                session, key=f"prob-eval-rem:{person.id}:{point}", staff_id=manager.id, now=now):
            _ask_evaluation(session, manager, person, point, config, now, reminder=True)
            sent += 1
    if (probation.request_id is None and today >= confirmation_opens(config, probation.ends_on)
            and claim_reminder(session, key=f"prob-confirm:{person.id}", staff_id=person.id, now=now)):
        sent += _open_confirmation(session, probation, person, config=config, now=now)
    if (probation.request_id is not None and end_reminder_due(config, end=probation.ends_on, today=today)
            and claim_reminder(session, key=f"prob-end:{person.id}", staff_id=person.id, now=now)):
        sent += _remind_hr(session, probation, person, now=now)
    return sent


def _close_if_decided(session: Session, probation: Probation) -> None:
    """A 转正 request that ended closes the probation (its outcome stays readable on the request)."""
    req = session.get(ApprovalRequest, probation.request_id) if probation.request_id else None
    if req is not None and req.status != "pending":
        probation.closed = True


def _ask_evaluation(session: Session, manager: Staff, person: Staff, point: date, config: PeopleConfig,
                    now: datetime, *, reminder: bool) -> None:
    """The manager's prompt (or reminder) with the button that opens the evaluation form."""
    _ = translator(manager.locale)
    deadline = evaluation_deadline(config, point).isoformat()
    msgid = (N_("⏰ Reminder: the probation evaluation of {name} (as of {point}) is due by {deadline}.")
             if reminder else
             N_("📝 Please write a short probation evaluation of {name} (as of {point}) by {deadline}."))
    text = _(msgid).format(name=person.name, point=point.isoformat(), deadline=deadline)
    button = Button(_("Write the evaluation"), pack(EVALUATION, staff=person.id, point=point_code(point)))
    outbox.enqueue(session, staff_id=manager.id, message=OutMessage(text, buttons=((button,),)), now=now)


def _open_confirmation(session: Session, probation: Probation, person: Staff, *, config: PeopleConfig,
                       now: datetime) -> int:
    """Create the 转正 request and send its card to the first step; 0 when nobody can decide it."""
    manager = manager_of(session, staff=person)

    def holders(role: str) -> list[int]:
        if role == "manager":
            return [manager.id] if manager is not None else []
        return [s.id for s in holders_of(session, role=role, office_id=person.office_id)]

    steps = resolve_chain(list(config.confirmation_chain), requester_id=person.id, holders=holders,
                          manager_id=person.manager_id)
    if not steps:
        return 0
    req = ApprovalRequest(kind="confirmation", requester_id=person.id, office_id=person.office_id,
                          status="pending", step_index=0, chain=[s.to_json() for s in steps],
                          first_day=probation.starts_on, last_day=probation.ends_on,
                          payload={"evaluations": _summary(session, person.id)}, created_at=now, step_since=now)
    session.add(req)
    session.flush()
    probation.request_id = req.id
    send_card(session, req, to=steps[0].approvers, now=now)
    audit.record(session, actor_id=None, action="approval.submit", entity="approval_request", entity_id=req.id,
                 at=now, detail={"kind": "confirmation", "chain": req.chain, "staff": person.id})
    return 1


def _summary(session: Session, staff_id: int) -> str:
    """The evaluations so far, one per point, for the approvers' card (the rating as stars, in no language)."""
    rows = session.scalars(select(ProbationEvaluation).where(ProbationEvaluation.staff_id == staff_id)
                           .order_by(ProbationEvaluation.point)).all()
    return "; ".join(f"{r.point.isoformat()} {RATING_STARS.get(r.rating, r.rating)} {r.text}" for r in rows) or "—"


def _remind_hr(session: Session, probation: Probation, person: Staff, *, now: datetime) -> int:
    """HR learns that a probation ends within days while its 转正 is still undecided."""
    req = session.get(ApprovalRequest, probation.request_id) if probation.request_id else None
    step = current_step(req) if req is not None else None
    if step is None:
        return 0
    for hr in holders_of(session, role="hr", office_id=None):
        _ = translator(hr.locale)
        text = _("⏰ The probation of {name} ends on {end}; the confirmation (转正) still waits for {who}.").format(
            name=person.name, end=probation.ends_on.isoformat(), who=names(session, step.approvers))
        outbox.enqueue(session, staff_id=hr.id, message=OutMessage(text), now=now)
    return 1


@dataclass(frozen=True)
class EvaluationTurn:
    """May the viewer write this evaluation now: 'ok', 'not_found' or 'already'."""

    outcome: str
    name: str = ""


def check_evaluation(uow: UnitOfWork, *, viewer: StaffView, staff_id: int, point: date,
                     config: PeopleConfig) -> EvaluationTurn:
    """The presser must be the person's manager (or office head), the point a real one, not yet written."""
    with uow:
        session = uow.session
        person = session.get(Staff, staff_id)
        probation = session.get(Probation, staff_id)
        if person is None or probation is None or not _may_evaluate(session, viewer, person):
            return EvaluationTurn("not_found")
        if point not in evaluation_points(probation.starts_on, probation.ends_on, config.evaluate_every_months):
            return EvaluationTurn("not_found")
        if _written(session, staff_id, point):
            return EvaluationTurn("already", person.name)
        return EvaluationTurn("ok", person.name)


def _may_evaluate(session: Session, viewer: StaffView, person: Staff) -> bool:
    """The direct manager, or a head of the person's office."""
    manager = manager_of(session, staff=person)
    head = "office_head" in viewer.roles and viewer.office_id == person.office_id
    return viewer.id != person.id and ((manager is not None and manager.id == viewer.id) or head)


def _written(session: Session, staff_id: int, point: date) -> bool:
    """Whether the evaluation at `point` exists."""
    return session.scalars(select(ProbationEvaluation.id).where(
        ProbationEvaluation.staff_id == staff_id, ProbationEvaluation.point == point)).first() is not None


def write_evaluation(uow: UnitOfWork, *, viewer: StaffView, staff_id: int, point: date, rating: str, text: str,
                     config: PeopleConfig, now: datetime) -> EvaluationTurn:
    """Store the evaluation once (a second save finds it written); rights re-checked here."""
    turn = check_evaluation(uow, viewer=viewer, staff_id=staff_id, point=point, config=config)
    if turn.outcome != "ok" or rating not in RATING_LABELS:
        return turn if turn.outcome != "ok" else EvaluationTurn("not_found")
    with uow:
        session = uow.session
        try:
            with session.begin_nested():
                session.add(ProbationEvaluation(staff_id=staff_id, point=point, author_id=viewer.id, rating=rating,
                                                text=text, written_at=now))
        except IntegrityError:
            return EvaluationTurn("already", turn.name)
        audit.record(session, actor_id=viewer.id, action="probation.evaluate", entity="staff", entity_id=staff_id,
                     at=now, detail={"point": point.isoformat(), "rating": rating})
        uow.commit()
        return turn


@dataclass(frozen=True)
class InProbation:
    """One line of the overview."""

    name: str
    office: str
    starts_on: date
    ends_on: date
    evaluations: int
    mentor: str | None
    request_status: str | None
    waiting_for: str | None


def overview(uow: UnitOfWork, *, viewer: StaffView) -> list[InProbation] | None:
    """Everyone in probation: all offices for HR, the own office for its head and admin; None if not allowed."""
    if not viewer.has_any(OVERSEERS):
        return None
    with uow:
        session = uow.session
        query = (select(Probation, Staff).join(Staff, Staff.id == Probation.staff_id)
                 .where(Probation.closed.is_(False), Staff.active.is_(True)).order_by(Probation.ends_on, Staff.id))
        if "hr" not in viewer.roles:
            query = query.where(Staff.office_id == viewer.office_id)
        result = []
        for probation, person in session.execute(query).all():
            office = session.get(Office, person.office_id) if person.office_id else None
            mentor = session.get(Staff, probation.mentor_id) if probation.mentor_id else None
            req = session.get(ApprovalRequest, probation.request_id) if probation.request_id else None
            step = current_step(req) if req is not None else None
            count = len(session.scalars(select(ProbationEvaluation.id)
                                        .where(ProbationEvaluation.staff_id == person.id)).all())
            result.append(InProbation(person.name, office.name if office else "—", probation.starts_on,
                                      probation.ends_on, count, mentor.name if mentor else None,
                                      req.status if req is not None else None,
                                      names(session, step.approvers) if step is not None else None))
        return result
