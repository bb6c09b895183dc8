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

REGION_ROLES: frozenset[Role] = frozenset({Role.REGIONAL_MANAGER})
"""Roles that serve every office of their own office's region (区域): its chain steps, /status, monthly figures."""

OFFICE_STAFF_ROLES: frozenset[Role] = frozenset({Role.SALES, Role.TECHNICIAN, Role.ADMIN, Role.REGIONAL_MANAGER})
"""Roles an office head or admin may grant in chat; heads and headquarters roles come from HQ."""

OFFICE_MANAGER_ROLES: frozenset[Role] = frozenset({Role.OFFICE_HEAD, Role.ADMIN})
"""Roles that run one office: they see its records and people and invite its staff."""

OVERSIGHT_ROLES: frozenset[Role] = OFFICE_MANAGER_ROLES | HQ_ROLES
"""Roles that see other people's records: office managers their own office's, headquarters every office's."""

INVITER_ROLES: frozenset[Role] = OFFICE_MANAGER_ROLES | {Role.HR}
"""Who may use /invite (what each may grant: `grantable_roles`)."""

ATTENDANCE_SHEET_ROLES: frozenset[Role] = OFFICE_MANAGER_ROLES | {Role.HR}
"""Who may download the monthly attendance sheet: office managers their office's, HR every office's."""

PAYMENT_LOGGER_ROLES: frozenset[Role] = frozenset(
    {Role.SALES, Role.ADMIN, Role.OFFICE_HEAD, Role.REGIONAL_MANAGER, Role.FINANCE}
)
"""Who logs incoming payments and bank drafts (来款汇票登记): the office staff who receive them, and finance."""


def grantable_roles(inviter_roles: frozenset[str]) -> frozenset[Role]:
    """Which roles a person may hand out with /invite: never more power than headquarters intends.

    HR and other headquarters roles may grant any role; office heads and admins only office staff
    roles, so nobody can invite a second account of their own as president.
    """
    if inviter_roles & HQ_ROLES:
        return frozenset(Role)
    if inviter_roles & OFFICE_MANAGER_ROLES:
        return OFFICE_STAFF_ROLES
    return frozenset()


ZH_NAMES: dict[Role, str] = {
    Role.SALES: "销售代表",
    Role.TECHNICIAN: "售后人员",
    Role.ADMIN: "行政与运营专员",
    Role.OFFICE_HEAD: "办事处负责人",
    Role.REGIONAL_MANAGER: "区域经理",
    Role.GM: "总经理",
    Role.COMMERCE: "商务部",
    Role.FINANCE: "财务",
    Role.HR: "人力资源部",
    Role.FINANCE_DIRECTOR: "财务总监",
    Role.VP: "分管副总裁",
    Role.PRESIDENT: "总裁",
}
"""Each role's Chinese name as the glossary (and the seed documents) spell it."""

ZH_SYNONYMS: dict[str, Role] = {
    "销售": Role.SALES, "业务员": Role.SALES, "营销代表": Role.SALES, "业务拓展与客户关系专员": Role.SALES,
    "维修员": Role.TECHNICIAN, "技术员": Role.TECHNICIAN, "售后": Role.TECHNICIAN, "售后维修员": Role.TECHNICIAN,
    "文员": Role.ADMIN, "内勤": Role.ADMIN, "行政": Role.ADMIN,
    "主任": Role.OFFICE_HEAD, "办事处主任": Role.OFFICE_HEAD, "经理": Role.OFFICE_HEAD,
    "人力部": Role.HR,
}
"""Other words the seed documents use for a role (业务员, 维修员, 文员, 主任…)."""

_BY_NAME: dict[str, Role] = {
    **{role.value: role for role in Role},
    **{name: role for role, name in ZH_NAMES.items()},
    **ZH_SYNONYMS,
}

ROLE_SEPARATORS = ",;、，；"
"""What may separate several roles when they are typed: `sales,technician`, `销售、维修员`."""


def parse_role(text: str) -> Role | None:
    """One typed role → the Role: the code (any case), the Chinese name or a synonym; else None."""
    word = text.strip()
    return _BY_NAME.get(word.lower()) or _BY_NAME.get(word)


def split_roles(text: str) -> list[str]:
    """`销售、维修员 ,admin` → ['销售', '维修员', 'admin']: the typed words, blanks dropped."""
    for separator in ROLE_SEPARATORS[1:]:
        text = text.replace(separator, ROLE_SEPARATORS[0])
    return [word.strip() for word in text.split(ROLE_SEPARATORS[0]) if word.strip()]


def parse_roles(text: str | list[str] | tuple[str, ...]) -> tuple[list[Role], list[str]]:
    """Several typed roles (one string with separators, or a list of them) → (roles, words not understood).

    The roles keep their typed order without repeats; an empty input gives ([], []).
    """
    items = [text] if isinstance(text, str) else [str(item) for item in text]
    roles: list[Role] = []
    unknown: list[str] = []
    for word in (w for item in items for w in split_roles(item)):
        role = parse_role(word)
        if role is None:
            unknown.append(word)
        elif role not in roles:
            roles.append(role)
    return roles, unknown

LEAVE_BALANCE_ROLES: frozenset[Role] = frozenset({Role.HR, Role.ADMIN})
"""Roles that may adjust a person's 年假 / 调休 balance (/leave_balance), with audit."""

CONTRACT_RECORDER_ROLES: frozenset[Role] = frozenset({Role.SALES, Role.REGIONAL_MANAGER, Role.OFFICE_HEAD, Role.ADMIN})
"""Roles that record contracts and tenders (/contract, /tender) for their office."""

CONTRACT_VIEWER_ROLES: frozenset[Role] = CONTRACT_RECORDER_ROLES | {
    Role.GM, Role.COMMERCE, Role.FINANCE, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT}
"""Roles that see contracts: those who record them, and headquarters' management and finance."""

DASHBOARD_ROLES: frozenset[Role] = frozenset(
    {Role.OFFICE_HEAD, Role.GM, Role.COMMERCE, Role.FINANCE, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT})
"""Roles shown /dashboard: office heads, headquarters' management and finance."""

EXPENSE_FIGURE_ROLES: frozenset[Role] = DASHBOARD_ROLES | {Role.ADMIN}
"""Roles shown the office's expense figures (KPI a, the 4.5 % cap): the dashboard's, and the office admin."""

CEILING_SETTER_ROLES: frozenset[Role] = frozenset({Role.GM, Role.FINANCE_DIRECTOR, Role.VP, Role.PRESIDENT})
"""Headquarters roles that set an office's monthly expense ceiling (/ceiling)."""

INVOICE_MARKER_ROLES: frozenset[Role] = frozenset({Role.FINANCE, Role.FINANCE_DIRECTOR})
"""Besides the requester, who may record that an approved claim's invoice came later (补发票): finance."""

EXPENSE_DIGEST_ROLES: frozenset[Role] = frozenset({Role.FINANCE, Role.FINANCE_DIRECTOR, Role.GM})
"""Headquarters roles sent every office's expense KPI a and 4.5 % cap standing early each month (the seed:
集团将对办事处的费用情况进行考核 — finance checks the figures, the GM reviews the office heads)."""

PEOPLE_CARE_ROLES: frozenset[Role] = OFFICE_MANAGER_ROLES | {Role.HR}
"""Roles that look after people: onboarding checklists, probation, leaving (离职)."""
