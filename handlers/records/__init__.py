"""Field records in conversation: customer archive, repair log, visits, finding and exporting them."""

from __future__ import annotations

from handlers.records import customers, listing, repairs, visits
from handlers.router import Router


def register(router: Router) -> None:
    """Declare every record command and button."""
    for module in (customers, repairs, visits, listing):
        module.register(router)
