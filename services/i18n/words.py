"""Words and card lines several features print the same way: yes/no, and the "Label: value" lines.

One home (issue #13): "Status: {status}" was typed in three features, "Customer: {name}" in three; a
card's line reads the same in an approval, a repair job and a contract. Features that say something of
their own keep their own sentences.
"""

from __future__ import annotations

from services.i18n.catalogs import N_, Translate

YES = N_("Yes")
NO = N_("No")
STATUS_LINE = N_("Status: {status}")
CUSTOMER_LINE = N_("Customer: {name}")
CATEGORY_LINE = N_("Category: {category}")
NOTE_LINE = N_("Note: {text}")
PROBATION_LINE = N_("Probation: {first} – {last}")
ACCEPTED_ON_LINE = N_("Accepted on: {day}")
DUE_ON = N_("due {day}")


def yes_no(_: Translate, value: object) -> str:
    """是 / 否 (Yes / No) for a flag."""
    return _(YES) if value else _(NO)
ADDRESS_LINE = N_("Address: {value}")
ROUTE_LINE = N_("How to get there: {value}")
CONTACT_LINE = N_("Contact: {name} {phone}")
