"""The monthly score sheet in chat: /score for the office head, /myscore when the company allows it.

```mermaid
flowchart LR
  S[sweep on the 1st] --> H[head: please /score] --> L[/score: people, msc:staff:yyyymm/]
  L --> F[facts of the month] --> Q[one question per criterion, comment] --> V[saved once, total]
  S -->|due day| C[head chased] -->|escalate day| G[GM told who is unscored]
  S -->|sheet day| X[HR + GM get 月度评分表 .xlsx]
```
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.callbacks import SCORE, pack
from domain.scoring import CRITERIA
from handlers.context import Ctx
from handlers.forms.engine import start_form
from handlers.forms.spec import Answers, Field, Form, FormError, Kind, register_form
from handlers.replies import NOT_ALLOWED, NOT_FOUND
from handlers.router import Router
from services.i18n.catalogs import N_
from services.messaging.messages import Button, OutMessage
from services.people import scoring

COMMENT_MAX = 1000  # saved to a Text column: a limit so that the sheet's cell stays readable
PROMPTS = {"results": N_("Work results: your score?"),
           "ability": N_("Business ability: your score?"),
           "discipline": N_("Work discipline: your score?"),
           "teamwork": N_("Teamwork: your score?")}


def _month_code(month: date) -> str:
    """202611."""
    return month.strftime("%Y%m")


def _parse_month(text: str) -> date | None:
    """The month back from callback data; None for anything forged."""
    if len(text) != 6 or not text.isascii() or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        return None
    return date(int(text[:4]), int(text[4:]), 1)


def score(ctx: Ctx) -> None:
    """/score: the past month's people with a button each; ✅ for those already scored."""
    found = scoring.to_score(ctx.app.uow(), viewer=ctx.me, today=ctx.today)
    if found is None:
        ctx.reply(ctx._(NOT_ALLOWED))
        return
    month, people = found
    lines = [ctx._("Monthly score sheet for {month}:").format(month=scoring.month_key(month))]
    lines += [f"{'✅' if p.scored else '⬜'} {p.name}" for p in people]
    rows = tuple((Button(p.name, pack(SCORE, staff=p.id, month=_month_code(month))),) for p in people if not p.scored)
    if not rows:
        lines.append(ctx._("Everyone is scored."))
    ctx.reply(OutMessage("\n".join(lines), buttons=rows))


def on_button(ctx: Ctx) -> None:
    """`SCORE` (staff id, yyyymm): show the month's facts and open the scoring form."""
    staff_id, month = ctx.pressed.id("staff"), _parse_month(ctx.pressed.word("month"))
    current = scoring.scored_month(ctx.today)
    found = scoring.facts_for(ctx.app.uow(), viewer=ctx.me, staff_id=staff_id, month=month) \
        if month == current else None
    if found is None or month is None:
        ctx.answer(ctx._(NOT_FOUND), alert=True)
        return
    name, facts = found
    scale = ctx.app.people_config.scoring.scale_max
    lines = [ctx._("{name}, {month}: the month's facts").format(name=name, month=scoring.month_key(month))]
    lines += scoring.facts_lines(facts, ctx._)
    lines.append(ctx._("Score each criterion from 1 to {max}.").format(max=scale))
    ctx.reply("\n".join(lines))
    start_form(ctx, SCORE_FORM, answers={"_criteria": list(ctx.app.people_config.scoring.criteria)},
               context={"staff_id": staff_id, "month": month.isoformat(), "name": name})


def _in_scale(ctx: Ctx, value: Any, _answers: Answers) -> str | None:
    """A score within the configured scale."""
    top = ctx.app.people_config.scoring.scale_max
    return None if 1 <= int(value) <= top else N_("That score is outside the scale.")


def _save(ctx: Ctx, answers: Answers, context: dict[str, Any]) -> str:
    """Store the score through the service, which re-checks the head's rights and the month."""
    scores = {c: int(answers[c]) for c in CRITERIA if answers.get(c) is not None}
    outcome, total = scoring.save_score(ctx.app.uow(), viewer=ctx.me, staff_id=int(context["staff_id"]),
                                        month=date.fromisoformat(context["month"]), scores=scores,
                                        comment=answers.get("comment") or None, config=ctx.app.people_config,
                                        now=ctx.app.now())
    if outcome == "already":
        raise FormError(None, N_("{name} is already scored for this month."), name=context["name"])
    if outcome != "done":
        raise FormError(None, NOT_FOUND)
    return ctx._("✅ {name} scored: total {total}. Send /score for the next.").format(name=context["name"],
                                                                                     total=total)


def _criterion(name: str) -> Field:
    """One question per criterion, asked only when the company's sheet has it."""
    return Field(name, scoring.CRITERION_LABELS[name], PROMPTS[name], Kind.integer, min_value=1, max_value=100,
                 check=_in_scale, when=lambda answers: name in (answers.get("_criteria") or ()))


SCORE_FORM = register_form(Form(
    name="monthly_score",
    title=N_("Monthly score"),
    fields=(*(_criterion(c) for c in CRITERIA),
            Field("comment", N_("Comment"), N_("A short comment for the sheet?"), Kind.long_text, required=False,
                  max_length=COMMENT_MAX)),
    save=_save,
))


def my_score(ctx: Ctx) -> None:
    """/myscore: one's own score for the past month, when the company allows staff to see it."""
    found = scoring.my_score(ctx.app.uow(), viewer=ctx.me, config=ctx.app.people_config,
                             today=ctx.today)
    if found is None:
        ctx.reply(ctx._("Scores are not shown to staff in this company."))
        return
    month, row = found
    if row is None:
        ctx.reply(ctx._("No score for {month} yet.").format(month=scoring.month_key(month)))
        return
    parts = [f"{ctx._(scoring.CRITERION_LABELS[c])} {v}" for c, v in row.scores.items()]
    ctx.reply(ctx._("Your score for {month}: {parts}; total {total}.").format(
        month=scoring.month_key(month), parts="，".join(parts), total=row.total))


def register(router: Router) -> None:
    """Declare /score, /myscore and the scoring buttons."""
    router.command("score", score, N_("monthly score sheet: score your office's people"), roles={"office_head"},
                   order=740)
    router.command("myscore", my_score, N_("your own monthly score"), order=750)
    router.callback(SCORE, on_button)
