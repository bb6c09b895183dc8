"""Who approves a request, step by step, and how long a step may wait before it is chased.

Pure helpers beside `domain.approvals`: the chain of *roles* comes from configuration; here each role
becomes the people who hold it, the requester never approves their own request, and a step nobody
can take climbs to the next level (`ESCALATES_TO`).

Self-approval rule: a step whose only holder is the requester is skipped (an office head's own
6,000-yuan claim goes straight to the finance director); if that leaves no step at all (an office
head's own leave or small expense), the request goes to the requester's explicit manager, else to
the holders of the next level up (office head → gm → vp → president). A role nobody holds climbs
the same way; a person is never asked twice in a row.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ESCALATES_TO: dict[str, str | None] = {
    "sales": "office_head",
    "technician": "office_head",
    "admin": "office_head",
    "office_head": "gm",
    "regional_manager": "gm",
    "commerce": "gm",
    "hr": "gm",
    "finance": "finance_director",
    "gm": "vp",
    "finance_director": "vp",
    "vp": "president",
    "president": None,
}
"""The next level up from each role, for empty steps and for escalation of a step that waits too long."""


@dataclass(frozen=True)
class ChainStep:
    """One resolved step: the role asked for and the people who may decide it."""

    role: str
    approvers: tuple[int, ...]
    instead_of: str | None = None
    delegated_from: tuple[int, ...] = ()  # 代理审批: the approvers on leave this step was handed over from

    def to_json(self) -> dict[str, object]:
        """The form stored in `approval_requests.chain`."""
        data: dict[str, object] = {"role": self.role, "approvers": list(self.approvers)}
        if self.instead_of:
            data["instead_of"] = self.instead_of
        if self.delegated_from:
            data["delegated_from"] = list(self.delegated_from)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> "ChainStep":
        """Read a stored step back; bad data gives an empty step nobody can take."""
        raw = data.get("approvers")
        approvers = tuple(int(a) for a in raw) if isinstance(raw, list) else ()
        instead = data.get("instead_of")
        away = data.get("delegated_from")
        return cls(str(data.get("role", "")), approvers, str(instead) if instead else None,
                   tuple(int(a) for a in away) if isinstance(away, list) else ())


Holders = Callable[[str], Sequence[int]]
"""Role → ids of the active people holding it (office roles within the requester's office)."""


def next_level(role: str, holders: Holders, *, exclude: set[int]) -> tuple[str, tuple[int, ...]] | None:
    """The first level above `role` with someone (not in `exclude`) to take it."""
    current = ESCALATES_TO.get(role)
    while current is not None:
        people = tuple(p for p in holders(current) if p not in exclude)
        if people:
            return current, people
        current = ESCALATES_TO.get(current)
    return None


def resolve_chain(
    roles: Sequence[str], *, requester_id: int, holders: Holders, manager_id: int | None
) -> tuple[ChainStep, ...]:
    """Turn configured roles into steps of people; empty when nobody at all can approve."""
    steps: list[ChainStep] = []
    for role in roles:
        everyone = tuple(holders(role))
        people = tuple(p for p in everyone if p != requester_id)
        if people:
            steps.append(ChainStep(role, people))
        elif not everyone:
            higher = next_level(role, holders, exclude={requester_id})
            if higher is not None:
                steps.append(ChainStep(higher[0], higher[1], instead_of=role))
    steps = _without_repeats(steps)
    if steps or not roles:
        return tuple(steps)
    return _fallback(roles[0], requester_id=requester_id, holders=holders, manager_id=manager_id)


def _without_repeats(steps: list[ChainStep]) -> list[ChainStep]:
    """Drop a later step that asks the very same people again (an escalation onto an existing step)."""
    seen: set[tuple[int, ...]] = set()
    kept = []
    for step in steps:
        if step.approvers not in seen:
            kept.append(step)
            seen.add(step.approvers)
    return kept


def _fallback(role: str, *, requester_id: int, holders: Holders, manager_id: int | None) -> tuple[ChainStep, ...]:
    """The requester was the only approver: their manager, else the level above."""
    if manager_id is not None and manager_id != requester_id:
        return (ChainStep("manager", (manager_id,), instead_of=role),)
    higher = next_level(role, holders, exclude={requester_id})
    return (ChainStep(higher[0], higher[1], instead_of=role),) if higher else ()


def delegate(step: ChainStep, *, away: set[int], substitutes: Callable[[int], Sequence[tuple[int, str]]],
             requester_id: int) -> ChainStep:
    """代理审批: a step whose every approver is on approved leave goes to their stand-ins.

    A stand-in is the absent approver's deputy or manager (`substitutes`: (person, the role they stand
    in as), in order of preference); the step then names the stand-in's role, `instead_of` the original;
    the requester never stands in for their own request, nor does someone else who is away. While
    one approver of the step is at work the step stays as it is (they can decide); with no stand-in
    at all it stays too, and waits for reminders and escalation.
    """
    if not step.approvers or any(a not in away for a in step.approvers):
        return step
    stand_ins: list[int] = []
    role = step.role
    for absent in step.approvers:
        for person, as_role in substitutes(absent):
            if person not in away and person != requester_id and person not in stand_ins:
                role = as_role if not stand_ins else role
                stand_ins.append(person)
                break
    if not stand_ins:
        return step
    return ChainStep(role, tuple(stand_ins), step.instead_of or step.role, delegated_from=step.approvers)


def working_minutes_between(
    start: datetime,
    end: datetime,
    *,
    tz: ZoneInfo,
    work_start: time,
    work_end: time,
    is_working_day: Callable[[date], bool],
) -> int:
    """Minutes of office working time between two instants (weekends, holidays and nights excluded)."""
    if end <= start:
        return 0
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if is_working_day(day):
            opens = datetime.combine(day, work_start, tz)
            closes = datetime.combine(day, work_end, tz)
            overlap = min(closes, local_end) - max(opens, local_start)
            total += max(overlap, timedelta(0))
        day += timedelta(days=1)
    return int(total.total_seconds() // 60)


@dataclass(frozen=True)
class ChasePolicy:
    """When a waiting step is reminded (every `remind_every` working minutes) and escalated (once)."""

    remind_every: int = 4 * 60
    escalate_after: int = 9 * 60
    max_reminders: int = 6


def reminder_number(waited_minutes: int, policy: ChasePolicy) -> int:
    """Which reminder is due now (0: none yet); the caller records each number once."""
    return min(waited_minutes // policy.remind_every, policy.max_reminders)


def escalation_due(waited_minutes: int, policy: ChasePolicy) -> bool:
    """True once the step has waited a full working day."""
    return waited_minutes >= policy.escalate_after
