"""The sandbox's demo company: three offices, a dozen people, already registered to fake accounts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.i18n.catalogs import translator
from services.i18n.role_labels import ROLE_LABELS
from services.people import onboarding
from storage.models import Office
from storage.uow import UnitOfWork

DEMO_OFFICES = [
    # name, time zone, geofence (WGS-84 lat, lon, radius m), is_hq
    ("总部", "Asia/Shanghai", (30.274085, 120.155070, 300), True),
    ("上海办事处", "Asia/Shanghai", (31.230416, 121.473701, 300), False),
    ("乌鲁木齐办事处", "Asia/Urumqi", (43.825592, 87.616848, 300), False),
]
# telegram id, name, office, roles, manager
DEMO_STAFF = [
    (1001, "张伟", "上海办事处", ["office_head"], None),
    (1002, "李娜", "上海办事处", ["sales"], "张伟"),
    (1003, "王强", "上海办事处", ["technician"], "张伟"),
    (1004, "赵敏", "上海办事处", ["admin"], "张伟"),
    (1005, "艾力", "乌鲁木齐办事处", ["office_head", "regional_manager"], None),
    (1006, "古丽", "乌鲁木齐办事处", ["sales"], "艾力"),
    (2001, "刘总", "总部", ["gm"], None),
    (2002, "陈财务", "总部", ["finance_director", "finance"], None),
    (2003, "周副总", "总部", ["vp"], None),
    (2004, "吴总裁", "总部", ["president"], None),
    (2005, "孙人力", "总部", ["hr"], None),
]


@dataclass(frozen=True)
class DemoPerson:
    """A demo account the sandbox page offers: who, what they do, where their office is."""

    telegram_id: int
    name: str
    label: str
    office_location: tuple[float, float]


def seed_demo(make: Callable[[], UnitOfWork], *, now: datetime) -> list[DemoPerson]:
    """Create the demo company once; return the people the sandbox offers."""
    with make() as uow:
        seeded = uow.session.scalars(select(Office).where(Office.name == DEMO_OFFICES[0][0])).first()
    if seeded is None:
        for name, tz, fence, hq in DEMO_OFFICES:
            onboarding.create_office(make(), name=name, timezone=tz, now=now, geofence=fence, is_hq=hq)
        for tg_id, person, office, roles, manager in DEMO_STAFF:
            code = onboarding.invite(make(), office_name=office, roles=roles, name=person,
                                     manager_name=manager, now=now)
            onboarding.redeem(make(), code=code, channel="telegram", account=str(tg_id), now=now,
                              new_hire=False)
    fences = {name: (fence[0], fence[1]) for name, _tz, fence, _hq in DEMO_OFFICES}
    zh = translator("zh_CN")  # the page is in Chinese: 上海办事处 · 办事处负责人
    return [DemoPerson(tg, person, f"{office} · {'、'.join(zh(ROLE_LABELS.get(r, r)) for r in roles)}", fences[office])
            for tg, person, office, roles, _ in DEMO_STAFF]

