"""Roles a person can hold in officebot; a person may hold several."""

from enum import StrEnum


class Role(StrEnum):
    """A job role, named as in the glossary, that decides what a person may do and approve."""

    SALES = "sales"
    TECHNICIAN = "technician"
    ADMIN = "admin"
    OFFICE_HEAD = "office_head"
    REGIONAL_MANAGER = "regional_manager"
    GM = "gm"
    COMMERCE = "commerce"
    FINANCE = "finance"
    HR = "hr"
    FINANCE_DIRECTOR = "finance_director"
    VP = "vp"
    PRESIDENT = "president"


OFFICE_ROLES: frozenset[Role] = frozenset(
    {Role.SALES, Role.TECHNICIAN, Role.ADMIN, Role.OFFICE_HEAD, Role.REGIONAL_MANAGER}
)
"""Roles held by staff of a branch office (办事处); they check in and write weekly reports."""

HQ_ROLES: frozenset[Role] = frozenset(
    {Role.GM, Role.COMMERCE, Role.FINANCE, Role.HR, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT}
)
"""Headquarters (总部) roles: they review, approve and receive sheets, but belong to no office."""

MANAGER_ROLES: frozenset[Role] = frozenset(
    {Role.OFFICE_HEAD, Role.REGIONAL_MANAGER, Role.GM, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT}
)
"""Roles that manage people: they approve requests and receive escalations and "who is missing" digests."""

OFFICE_STAFF_ROLES: frozenset[Role] = frozenset({Role.SALES, Role.TECHNICIAN, Role.ADMIN, Role.REGIONAL_MANAGER})
"""Roles an office head or admin may grant in chat; heads and headquarters roles come from HQ."""


def grantable_roles(inviter_roles: frozenset[str]) -> frozenset[Role]:
    """Which roles a person may hand out with /invite: never more power than headquarters intends.

    HR and other headquarters roles may grant any role; office heads and admins only office staff
    roles, so nobody can invite a second account of their own as president.
    """
    if inviter_roles & HQ_ROLES:
        return frozenset(Role)
    if inviter_roles & {Role.OFFICE_HEAD, Role.ADMIN}:
        return OFFICE_STAFF_ROLES
    return frozenset()
