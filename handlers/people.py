"""Onboarding and probation in chat: /onboarding (ticks), /mentor, /probation, the evaluation form.

```mermaid
flowchart LR
  R[/start CODE/] --> A[admin gets the checklist card] -->|onb:item| T{tick once} --> A
  R --> P[probation opens]
  S[sweep] -->|each point| M[manager: pev:staff:point] --> F[form: rating, text] --> E[evaluation saved]
  S -->|end - 14 days| C[转正 request: manager → head → HR, approval cards]
  S -->|last days, undecided| H[HR reminded]
```
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.callbacks import EVALUATION, ONBOARDING_ITEM
from domain.roles import PEOPLE_CARE_ROLES
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.replies import DONE, NOT_ALLOWED, NOT_FOUND
from handlers.router import Router
from services.i18n.catalogs import N_
from services.people import checklists as people
from services.people import probation

EVALUATION_MAX = 1000  # saved to a Text column: a limit so that the card quoting it stays readable
ALREADY_EVALUATED = N_("The evaluation of {name} at this point is already written.")
MENTOR_REPLIES = {
    "done": N_("Mentor named; both have been told."),
    "no_person": N_("No such colleague in probation in your office: {name}."),
    "no_mentor": N_("The mentor must be another active colleague of the same office."),
    "no_probation": N_("{name} is not in probation."),
}


def onboarding(ctx: Ctx) -> None:
    """/onboarding: your own checklist, and (admins, heads, HR) every open one you look after."""
    cards = people.open_checklists(ctx.app.uow(), viewer=ctx.me)
    if not cards:
        ctx.reply(ctx._("No open onboarding checklists."))
    for card in cards:
        ctx.reply(card)


def on_tick(ctx: Ctx) -> None:
    """`ONBOARDING_ITEM`: tick one item and redraw the card; forged or foreign ids change nothing."""
    result = people.tick(ctx.app.uow(), item_id=ctx.pressed.id("item"), viewer=ctx.me, now=ctx.app.now())
    if result.outcome == "not_found" or result.staff_id is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
        return
    ctx.answer(ctx._(DONE) if result.outcome == "done" else ctx._("Already ticked."))
    card = people.card_for(ctx.app.uow(), staff_id=result.staff_id, viewer=ctx.me)
    if card is not None and ctx.inbound.message_id:
        ctx.edit(ctx.inbound.message_id, card)


def mentor(ctx: Ctx) -> None:
    """/mentor PERSON MENTOR: name the mentor (导师) of a person in probation."""
    args = ctx.inbound.args
    if len(args) != 2:
        ctx.reply(ctx._("Usage: /mentor NEW_COLLEAGUE MENTOR"))
        return
    outcome = people.name_mentor(ctx.app.uow(), viewer=ctx.me, person_name=args[0], mentor_name=args[1],
                                 now=ctx.app.now())
    ctx.reply(ctx._(MENTOR_REPLIES[outcome]).format(name=args[0]))


def probation_list(ctx: Ctx) -> None:
    """/probation: everyone in probation (HR: every office), with evaluations and the 转正 standing."""
    rows = probation.overview(ctx.app.uow(), viewer=ctx.me)
    if rows is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    if not rows:
        ctx.reply(ctx._("Nobody is in probation."))
        return
    lines = [ctx._("People in probation ({n}):").format(n=len(rows))]
    for row in rows:
        standing = (ctx._("confirmation waits for {who}").format(who=row.waiting_for) if row.waiting_for
                    else ctx._("confirmation not opened yet"))
        lines.append(ctx._("• {name} ({office}) {first} – {last}; evaluations: {n}; mentor: {mentor}; {standing}")
                     .format(name=row.name, office=row.office, first=row.starts_on.isoformat(),
                             last=row.ends_on.isoformat(), n=row.evaluations, mentor=row.mentor or "—",
                             standing=standing))
    ctx.reply("\n".join(lines))


def on_evaluate(ctx: Ctx) -> None:
    """`EVALUATION` (staff id, yyyymmdd): open the evaluation form for the manager whose turn it is."""
    staff_id, point = ctx.pressed.id("staff"), probation.parse_point(ctx.pressed.word("point"))
    if point is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
        return
    turn = probation.check_evaluation(ctx.app.uow(), viewer=ctx.me, staff_id=staff_id, point=point,
                                      config=ctx.app.people_config)
    if turn.outcome != "ok":
        text = ctx._(ALREADY_EVALUATED).format(name=turn.name) if turn.outcome == "already" else ctx._(NOT_FOUND)
        ctx.answer(text, alert=True)
        return
    ctx.answer()
    start_form(ctx, EVALUATION_FORM, context={"staff_id": staff_id, "point": point.isoformat(), "name": turn.name})


def _save_evaluation(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Store the evaluation through the service, which re-checks the rights."""
    turn = probation.write_evaluation(ctx.app.uow(), viewer=ctx.me, staff_id=int(context["staff_id"]),
                                      point=date.fromisoformat(context["point"]), rating=str(answers["rating"]),
                                      text=str(answers["text"]), config=ctx.app.people_config, now=ctx.app.now())
    if turn.outcome == "already":
        raise FormError(None, ALREADY_EVALUATED, name=turn.name)
    if turn.outcome != "ok":
        raise FormError(None, NOT_FOUND)
    return ctx._("✅ Evaluation of {name} saved.").format(name=turn.name)


EVALUATION_FORM = register_form(Form(
    name="probation_evaluation",
    title=N_("Probation evaluation"),
    fields=(
        Field("rating", N_("Overall"), N_("How is the new colleague doing overall?"), Kind.choice,
              choices=probation.RATINGS),
        Field("text", N_("Evaluation"), N_("A few sentences: strengths, what to improve, next steps."),
              Kind.long_text, max_length=EVALUATION_MAX),
    ),
    save=_save_evaluation,
))


def register(router: Router) -> None:
    """Declare the onboarding and probation commands and buttons."""
    router.command("onboarding", onboarding, N_("onboarding checklists (yours, or those you look after)"),
                   order=700)
    router.command("mentor", mentor, N_("name a mentor for a new colleague"),
                   roles=PEOPLE_CARE_ROLES, order=710)
    router.command("probation", probation_list, N_("everyone in probation and their confirmation"),
                   roles=PEOPLE_CARE_ROLES, order=720)
    router.callback(ONBOARDING_ITEM, on_tick)
    router.callback(EVALUATION, on_evaluate)
