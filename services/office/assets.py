"""The fixed asset register (固定资产): register, assign/return/transfer with an audit trail, export, 盘点.

A move is one conditional UPDATE on the asset's (holder, office) as it was read: of two taps on the
same button exactly one moves it, the other finds it moved and records nothing. Each move writes an
`AssetMove` row (the asset's own trail) and an audit entry; the new and the former holder are told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any, cast
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import workdays
from domain.assets import STOCKTAKE_DAY, STOCKTAKE_MONTH, AssetCategory, MoveAction, move_for, valid_asset_no
from domain.callbacks import ASSET_TO_OFFICE, ASSET_TO_PERSON, ASSET_TO_STORE, pack
from domain.report_rules import in_working_hours
from domain.roles import OFFICE_MANAGER_ROLES
from services.i18n.catalogs import N_, Translate, translator
from services.i18n.words import CATEGORY_LINE
from services.messaging import outbox
from services.messaging.messages import Button, OutFile, OutMessage
from services.platform import audit, zones
from services.platform.jobs import claim_reminder
from services.platform.staff import StaffView, holders_of
from storage.models import AssetMove, FixedAsset, Office, Staff
from storage.uow import UnitOfWork

CATEGORY_LABELS = {AssetCategory.COMPUTER: N_("Computer"), AssetCategory.OFFICE_EQUIPMENT: N_("Office equipment"),
                   AssetCategory.FURNITURE: N_("Furniture"), AssetCategory.VEHICLE: N_("Vehicle"),
                   AssetCategory.OTHER: N_("Other")}
CATEGORY_ZH = {AssetCategory.COMPUTER: "电脑", AssetCategory.OFFICE_EQUIPMENT: "办公设备",
               AssetCategory.FURNITURE: "家具", AssetCategory.VEHICLE: "车辆", AssetCategory.OTHER: "其他"}
ACTION_LABELS = {MoveAction.REGISTER: N_("registered"), MoveAction.ASSIGN: N_("assigned"),
                 MoveAction.RETURN: N_("returned"), MoveAction.TRANSFER: N_("transferred")}
KEEPERS = OFFICE_MANAGER_ROLES
IN_STORE = N_("in store")
HEADERS = ("资产编号", "名称", "类别", "价值(元)", "购置日期", "使用人", "办事处", "存放地点")


def _may_keep(viewer: StaffView, office_id: int) -> bool:
    """The office's admin or head, or headquarters, keep its register."""
    return viewer.is_hq or (viewer.has_any(KEEPERS) and viewer.office_id == office_id)


def register(uow: UnitOfWork, *, viewer: StaffView, data: dict[str, Any], now: datetime) -> tuple[str, int | None]:
    """Add an asset to the viewer's office store: ('done', id), ('duplicate', None) or ('not_allowed', None)."""
    if viewer.office_id is None or not _may_keep(viewer, viewer.office_id) or not valid_asset_no(data["asset_no"]):
        return "not_allowed", None
    with uow:
        session = uow.session
        asset = FixedAsset(asset_no=data["asset_no"], name=data["name"], category=AssetCategory(data["category"]),
                           value=Decimal(str(data["value"])), purchased_on=date.fromisoformat(data["purchased_on"]),
                           office_id=viewer.office_id, location=data.get("location"), created_by=viewer.id,
                           created_at=now)
        try:
            with session.begin_nested():
                session.add(asset)
                session.flush()
        except IntegrityError:
            return "duplicate", None
        _log(session, asset, MoveAction.REGISTER, by=viewer.id, now=now, to_holder=None, to_office=asset.office_id)
        uow.commit()
        return "done", asset.id


def register_purchased(session: Session, *, office_id: int, item: str, value: Decimal, quantity: int,
                       purchased_on: date, holder_id: int | None, request_id: int, by: int, now: datetime
                       ) -> list[str]:
    """A purchase of equipment issued: one asset per piece (number PUR<request>-<n>), registered into the
    office's store and assigned to `holder_id` when given, each step on the asset's trail; their numbers."""
    numbers = []
    for n in range(1, quantity + 1):
        asset = FixedAsset(asset_no=f"PUR{request_id}-{n}", name=item[:120], category=AssetCategory.OFFICE_EQUIPMENT,
                           value=value, purchased_on=purchased_on, office_id=office_id, created_by=by, created_at=now)
        session.add(asset)
        session.flush()
        _log(session, asset, MoveAction.REGISTER, by=by, now=now, to_holder=None, to_office=office_id)
        if holder_id is not None:
            asset.holder_id = holder_id
            _log(session, asset, MoveAction.ASSIGN, by=by, now=now, to_holder=holder_id, to_office=office_id,
                 from_office=office_id)
        numbers.append(asset.asset_no)
    return numbers


def _log(session: Session, asset: FixedAsset, action: MoveAction, *, by: int, now: datetime,
         to_holder: int | None, to_office: int, from_holder: int | None = None, from_office: int | None = None) -> None:
    """One trail entry and one audit entry."""
    session.add(AssetMove(asset_id=asset.id, action=action.value, from_holder=from_holder, to_holder=to_holder,
                          from_office=from_office, to_office=to_office, by_id=by, at=now))
    audit.record(session, actor_id=by, action=f"asset.{action.value}", entity="fixed_asset", entity_id=asset.id,
                 at=now, detail={"from_holder": from_holder, "to_holder": to_holder, "from_office": from_office,
                                 "to_office": to_office})


@dataclass(frozen=True)
class AssetRow:
    """One asset as lists show it."""

    id: int
    asset_no: str
    name: str
    holder: str | None


def office_assets(uow: UnitOfWork, *, viewer: StaffView) -> list[AssetRow] | None:
    """The viewer's office register (None: not allowed)."""
    if viewer.office_id is None or not _may_keep(viewer, viewer.office_id):
        return None
    with uow:
        rows = uow.session.execute(select(FixedAsset, Staff.name).outerjoin(Staff, Staff.id == FixedAsset.holder_id)
                                   .where(FixedAsset.office_id == viewer.office_id)
                                   .order_by(FixedAsset.asset_no)).all()
        return [AssetRow(a.id, a.asset_no, a.name, holder) for a, holder in rows]


def card(uow: UnitOfWork, *, viewer: StaffView, asset_id: int) -> OutMessage | None:
    """The asset, its trail, and a button per possible move; None when not found or not the viewer's."""
    with uow:
        session = uow.session
        asset = session.get(FixedAsset, asset_id)
        if asset is None or not _may_keep(viewer, asset.office_id):
            return None
        return _card(session, asset, viewer=viewer)


def _card(session: Session, asset: FixedAsset, *, viewer: StaffView) -> OutMessage:
    """Render the card in the viewer's language."""
    _ = translator(viewer.locale)
    office = cast(Office, session.get(Office, asset.office_id))
    holder = session.get(Staff, asset.holder_id) if asset.holder_id else None
    lines = [f"🏷 {asset.asset_no} {asset.name}",
             _(CATEGORY_LINE).format(category=_(CATEGORY_LABELS[AssetCategory(asset.category)])),
             _("Value: ¥{value:,.2f}, bought {day}").format(value=asset.value, day=asset.purchased_on.isoformat()),
             _("Office: {office}; holder: {holder}; place: {place}").format(
                 office=office.name, holder=holder.name if holder else _(IN_STORE), place=asset.location or "—")]
    lines.append(_("History:"))
    lines += trail_lines(session, asset.id, _, ZoneInfo(office.timezone))
    return OutMessage("\n".join(lines), buttons=_move_buttons(session, asset, _))


def trail_lines(session: Session, asset_id: int, _: Translate, tz: ZoneInfo) -> list[str]:
    """Each move: when, who did it, what, from whom to whom."""
    rows = session.scalars(select(AssetMove).where(AssetMove.asset_id == asset_id).order_by(AssetMove.id)).all()
    people = {s.id: s.name for s in session.scalars(select(Staff))}
    offices = {o.id: o.name for o in session.scalars(select(Office))}

    def place(holder: int | None, office: int | None) -> str:
        return people.get(holder or 0) or _("{office} store").format(office=offices.get(office or 0, "—"))

    return [_("{when} {by}: {action} {source} → {target}").format(
        when=m.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), by=people.get(m.by_id, "?"),
        action=_(ACTION_LABELS[MoveAction(m.action)]),
        source=place(m.from_holder, m.from_office) if m.action != MoveAction.REGISTER else "—",
        target=place(m.to_holder, m.to_office)) for m in rows]


def _move_buttons(session: Session, asset: FixedAsset, _: Translate) -> tuple[tuple[Button, ...], ...]:
    """Assign/transfer to each colleague, return to store, send to another office."""
    people = session.scalars(select(Staff).where(Staff.office_id == asset.office_id, Staff.active.is_(True))
                             .order_by(Staff.id)).all()
    rows = [(Button("→ " + p.name, pack(ASSET_TO_PERSON, asset=asset.id, staff=p.id)),)
            for p in people if p.id != asset.holder_id][:10]
    if asset.holder_id is not None:
        rows.append((Button(_("↩ Return to store"), pack(ASSET_TO_STORE, asset=asset.id)),))
    others = session.scalars(select(Office).where(Office.id != asset.office_id).order_by(Office.id)).all()
    rows += [(Button(_("→ {office} (store)").format(office=o.name),
                     pack(ASSET_TO_OFFICE, asset=asset.id, office=o.id)),) for o in others[:5]]
    return tuple(rows)


@dataclass(frozen=True)
class Moved:
    """The result of a move: done (with the new card), unchanged, or not found."""

    outcome: str
    card: OutMessage | None = None


def move(uow: UnitOfWork, *, viewer: StaffView, asset_id: int, to_holder: int | None, to_office: int | None,
         now: datetime) -> Moved:
    """Assign, return or transfer the asset once; holders told; the trail records it."""
    with uow:
        session = uow.session
        asset = session.get(FixedAsset, asset_id)
        if asset is None or not _may_keep(viewer, asset.office_id):
            return Moved("not_found")
        target_office = to_office if to_office is not None else asset.office_id
        receiver = session.get(Staff, to_holder) if to_holder is not None else None
        bad_receiver = receiver is None or not receiver.active or receiver.office_id != target_office
        if (to_holder is not None and bad_receiver) or session.get(Office, target_office) is None:
            return Moved("not_found")
        action = move_for(holder=asset.holder_id, office=asset.office_id, to_holder=to_holder, to_office=target_office)
        if action is None:
            return Moved("unchanged", _card(session, asset, viewer=viewer))
        old_holder, old_office = asset.holder_id, asset.office_id
        stmt = (update(FixedAsset).where(FixedAsset.id == asset.id, FixedAsset.office_id == old_office,
                                         FixedAsset.holder_id.is_(None) if old_holder is None
                                         else FixedAsset.holder_id == old_holder)
                .values(holder_id=to_holder, office_id=target_office).execution_options(synchronize_session=False))
        if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
            return Moved("unchanged")
        session.refresh(asset)
        _log(session, asset, action, by=viewer.id, now=now, to_holder=to_holder, to_office=target_office,
             from_holder=old_holder, from_office=old_office)
        session.flush()
        _tell_holders(session, asset, old_holder, to_holder, now=now)
        moved = Moved("done", _card(session, asset, viewer=viewer) if _may_keep(viewer, asset.office_id) else None)
        uow.commit()
        return moved


def _tell_holders(session: Session, asset: FixedAsset, old: int | None, new: int | None, *, now: datetime) -> None:
    """The new holder learns what they now hold; the former one that it left their name."""
    for staff_id, msgid in ((new, N_("🏷 You now hold {no} {name}.")), (old, N_("🏷 {no} {name} is no longer "
                                                                               "registered to you."))):
        person = session.get(Staff, staff_id) if staff_id else None
        if person is not None and person.active:
            _ = translator(person.locale)
            outbox.enqueue(session, staff_id=person.id, now=now,
                           message=OutMessage(_(msgid).format(no=asset.asset_no, name=asset.name)))


def export(uow: UnitOfWork, *, viewer: StaffView) -> OutFile | None:
    """The register as .xlsx: the viewer's office, or every office for headquarters."""
    if viewer.office_id is None and not viewer.is_hq:
        return None
    if not viewer.is_hq and not _may_keep(viewer, viewer.office_id or 0):
        return None
    with uow:
        session = uow.session
        query = select(FixedAsset).order_by(FixedAsset.office_id, FixedAsset.asset_no)
        if not viewer.is_hq:
            query = query.where(FixedAsset.office_id == viewer.office_id)
        people = {s.id: s.name for s in session.scalars(select(Staff))}
        offices = {o.id: o.name for o in session.scalars(select(Office))}
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "固定资产登记表"
        sheet.append(["固定资产登记表"])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(list(HEADERS))
        for a in session.scalars(query):
            sheet.append([a.asset_no, a.name, CATEGORY_ZH[AssetCategory(a.category)], float(a.value), a.purchased_on,
                          people.get(a.holder_id or 0, "库存"), offices.get(a.office_id), a.location])
            sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
        buffer = BytesIO()
        book.save(buffer)
        scope = "全部办事处" if viewer.is_hq else offices.get(viewer.office_id or 0, "")
        return OutFile(f"固定资产登记表-{scope}.xlsx", buffer.getvalue())


def sweep_stocktake(uow: UnitOfWork, *, now: datetime,
                    is_working_day: Callable[[date], bool] = workdays.is_working_day) -> int:
    """The yearly 盘点: from 1 December, each office's admins (else heads) get its checklist once a year."""
    with uow:
        session = uow.session
        sent = 0
        for office in session.scalars(select(Office).order_by(Office.id)).all():
            local = now.astimezone(zones.zone_of(office))
            due = (local.month, local.day) >= (STOCKTAKE_MONTH, STOCKTAKE_DAY)
            if not due or not in_working_hours(local, start=office.work_start, end=office.work_end,
                                               is_working_day=is_working_day):
                continue
            assets = list(session.scalars(select(FixedAsset).where(FixedAsset.office_id == office.id)
                                          .order_by(FixedAsset.asset_no)))
            keepers = (holders_of(session, role="admin", office_id=office.id)
                       or holders_of(session, role="office_head", office_id=office.id))
            if not assets or not keepers:
                continue
            if claim_reminder(session, key=f"stocktake:{office.id}:{local.year}", staff_id=None, now=now):
                _send_stocktake(session, office, assets, keepers, year=local.year, now=now)
                sent += 1
        uow.commit()
        return sent


def _send_stocktake(session: Session, office: Office, assets: list[FixedAsset], keepers: list[Staff], *,
                    year: int, now: datetime) -> None:
    """The per-office checklist: every asset with its holder and place, to check by hand."""
    people = {s.id: s.name for s in session.scalars(select(Staff))}
    for keeper in keepers:
        _ = translator(keeper.locale)
        lines = [_("📦 Yearly inventory check {year} for {office}: check each asset and correct the register "
                   "with /assets.").format(year=year, office=office.name)]
        lines += [f"⬜ {a.asset_no} {a.name} — {people.get(a.holder_id or 0) or _('in store')}"
                  f" · {a.location or '—'}" for a in assets]
        outbox.enqueue(session, staff_id=keeper.id, message=OutMessage("\n".join(lines)), now=now)
