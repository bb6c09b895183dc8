"""The expense form's questions that tie a project expense (项目费用) to its contract or tender.

Kept here so that the expense form (handlers/requests.py) only lists them; ids are re-checked on
every pick and again when the claim is submitted (services/expenses/project_costs.project_links).
"""

from __future__ import annotations

from domain.approvals import PROJECT_EXPENSE_CATEGORIES
from handlers.context import Ctx
from handlers.forms.spec import Answers, Field, Kind, Lookup
from services.expenses import project_costs
from services.i18n.catalogs import N_


def _lookup(kind: str) -> Lookup:
    """A picker over the person's office's contracts or open tenders."""
    def search(ctx: Ctx, text: str) -> list[tuple[int, str]]:
        return project_costs.search_links(ctx.app.uow(), viewer=ctx.me, kind=kind, query=text)

    def resolve(ctx: Ctx, item_id: int) -> str | None:
        return project_costs.resolve_link(ctx.app.uow(), viewer=ctx.me, kind=kind, item_id=item_id)

    def browse(ctx: Ctx) -> list[tuple[int, str]]:
        return project_costs.search_links(ctx.app.uow(), viewer=ctx.me, kind=kind, query="")

    return Lookup(search=search, resolve=resolve, browse=browse)


def _is_project(answers: Answers) -> bool:
    """Only project costs are tied to a contract or tender."""
    return answers.get("category") in PROJECT_EXPENSE_CATEGORIES


CONTRACT_FIELD = Field("contract_id", N_("Contract"),
                       N_("Which contract is it for? Type part of the project name, tap one, or Skip."),
                       Kind.lookup, required=False, lookup=_lookup("contract"), when=_is_project)
TENDER_FIELD = Field("tender_id", N_("Tender"),
                     N_("Which tender (bid) is it for? Type part of the project name, tap one, or Skip."),
                     Kind.lookup, required=False, lookup=_lookup("tender"),
                     when=lambda a: _is_project(a) and not a.get("contract_id"))
