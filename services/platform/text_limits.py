"""How many characters a typed answer may have: the n of the String(n) column it is saved to.

Handlers never import storage, so a form field names its column as "table.column" and asks here; an
unknown name fails when the form is declared (at import), not when someone types.
"""

from __future__ import annotations

from sqlalchemy import String

from storage.models import Base


def max_length(column: str) -> int:
    """The n of the String(n) column "table.column" (`max_length("customers.name")`)."""
    table, _, name = column.partition(".")
    column_type = Base.metadata.tables[table].columns[name].type
    if not isinstance(column_type, String) or not isinstance(column_type.length, int):
        raise TypeError(f"{column} is not a String(n) column")
    return column_type.length
