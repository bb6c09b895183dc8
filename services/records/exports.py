"""Spreadsheet exports of the field records, laid out like the seeds' appendix tables.

Sheets 客户档案表, 售后维修记录表, 客户拜访, 来款登记表 and 费用报销 (with 有无发票, 补发票 and what
each claim counts toward the commission: an intermediary fee without an invoice ×1.1): a title row with
the company, a row naming the office and period, 序号 and the tables' Chinese column headers, real
dates, and the sign-off row of the paper form; printed landscape, one page wide, headers on every
page (services.platform.sheet_print).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from domain.payments import PaymentKind
from domain.periods import Period
from domain.records import RepairStatus
from services.approvals.notices import CATEGORY_LABELS
from services.expenses.project_costs import claim_of
from services.i18n.catalogs import translator
from services.payments.incoming import PaymentCard
from services.platform import sheet_print
from services.platform.staff import StaffView
from services.records import queries as records_query
from services.records.customers import CustomerCard
from services.records.repairs import RepairCard
from services.records.visits import VisitCard
from storage.models import ApprovalRequest, Office, Staff
from storage.uow import UnitOfWork

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
ALL_OFFICES = "全部办事处"
STATUS_ZH = {RepairStatus.REPORTED: "已报修", RepairStatus.ASSIGNED: "已派单",
             RepairStatus.REPAIRED: "已维修", RepairStatus.ACCEPTED: "已验收"}
PURPOSE_ZH = {"development": "新客户开发", "follow_up": "跟进", "revisit": "回访", "complaint": "投诉处理"}
REPAIR_HEADERS = ("客户名称", "报修人", "联络电话", "报修日期", "报修内容", "接单维修人", "维修日期", "维修工时",
                  "故障原因", "维修结果", "更换配件", "客户验收人", "状态", "是否在保")
REPAIR_FOOTER = sheet_print.REPAIR_SIGN_OFF
VISIT_HEADERS = ("客户名称", "拜访时间", "拜访目的", "拜访人", "接待人", "拜访结果", "满意度", "下一步计划",
                 "下次跟进日期", "距客户(米)")
PAYMENT_HEADERS = ("投款日期", "客户名称", "类型", "金额(元)", "汇票号码", "汇票日期", "承兑汇票到期时间", "承兑期(天)",
                   "登记人", "备注")
PAYMENT_KIND_ZH = {PaymentKind.DRAFT: "承兑汇票", PaymentKind.TRANSFER: "转账电汇"}
EXPENSE_HEADERS = ("发生日期", "报销人", "费用类别", "金额(元)", "有无发票", "补发票日期", "计入提成金额(元)", "项目",
                   "事由", "审批状态")
EXPENSE_STATUS_ZH = {"pending": "审批中", "approved": "已批准", "rejected": "已驳回", "withdrawn": "已撤回",
                     "returned": "退回修改"}
TOTAL_LABEL = "合计"
MAX_EXPENSE_ROWS = 5000


@dataclass(frozen=True)
class ExportFile:
    """A finished workbook and what it holds."""

    name: str
    data: bytes
    customers: int
    repairs: int
    visits: int
    payments: int = 0
    expenses: int = 0


@dataclass(frozen=True)
class ExpenseRow:
    """One expense claim as the 费用报销 sheet lists it."""

    office_name: str
    spent_on: date | None
    requester: str
    category: str
    amount: Decimal
    invoice: bool | None  # None: claimed before the question was asked
    invoice_received_on: date | None
    commission_amount: Decimal
    project: str | None
    reason: str | None
    status: str


def export_records(uow: UnitOfWork, *, viewer: StaffView, office_id: int | None, period: Period | None,
                   company: str, catalog: Sequence[str]) -> ExportFile | None:
    """The workbook of an office (or all offices for headquarters); None when not allowed."""
    listing = records_query.office_records(uow, viewer=viewer, office_id=office_id, period=period, payments=True)
    if listing is None:
        return None
    expenses = expense_rows(uow, viewer=viewer, office_id=listing.office_id, period=period)
    data = build_workbook(listing, company=company, catalog=tuple(catalog), expenses=expenses)
    scope = listing.office_name or ALL_OFFICES
    name = f"客户档案与维修记录_{scope}_{period.key if period else '全部'}.xlsx"
    return ExportFile(name, data, len(listing.customers), len(listing.repairs), len(listing.visits),
                      len(listing.payments), len(expenses))


def expense_rows(uow: UnitOfWork, *, viewer: StaffView, office_id: int | None, period: Period | None
                 ) -> list[ExpenseRow]:
    """The expense claims of the office (None: every office headquarters sees) spent in the period, oldest first."""
    _ = translator("zh_CN")
    with uow:
        session = uow.session
        query = (select(ApprovalRequest, Staff.name, Office.name).join(Staff, Staff.id == ApprovalRequest.requester_id)
                 .join(Office, Office.id == ApprovalRequest.office_id).where(ApprovalRequest.kind == "expense"))
        if office_id is not None:
            query = query.where(ApprovalRequest.office_id == office_id)
        elif not viewer.is_hq:
            query = query.where(ApprovalRequest.office_id == (viewer.office_id or -1))
        rows = []
        for req, requester, office in session.execute(query.order_by(ApprovalRequest.id).limit(MAX_EXPENSE_ROWS)):
            claim, payload = claim_of(req), req.payload or {}
            if period is not None and (claim.spent_on is None or not period.start <= claim.spent_on <= period.end):
                continue
            received = payload.get("invoice_received_on")
            rows.append(ExpenseRow(office, claim.spent_on, requester, _(CATEGORY_LABELS.get(claim.category, "—")),
                                   claim.amount, payload.get("invoice") if "invoice" in payload else None,
                                   date.fromisoformat(received) if isinstance(received, str) else None,
                                   claim.commission_amount, payload.get("project"), payload.get("reason"),
                                   EXPENSE_STATUS_ZH.get(req.status, req.status)))
        return sorted(rows, key=lambda r: (r.spent_on or date.min))


def build_workbook(listing: records_query.Listing, *, company: str, catalog: tuple[str, ...],
                   expenses: Sequence[ExpenseRow] = ()) -> bytes:
    """One sheet per table; an office column first when several offices are included."""
    book = Workbook()
    many = listing.office_id is None
    scope = f"办事处：{listing.office_name or ALL_OFFICES}"
    period = _period_text(listing.period)
    _customer_sheet(book.active, listing.customers, company=company, scope=scope, catalog=catalog, many=many)
    _repair_sheet(book.create_sheet(), listing.repairs, company=company, scope=f"{scope}    {period}", many=many)
    _visit_sheet(book.create_sheet(), listing.visits, company=company, scope=f"{scope}    {period}", many=many)
    _payment_sheet(book.create_sheet(), listing.payments, company=company, scope=f"{scope}    {period}", many=many)
    _expense_sheet(book.create_sheet(), list(expenses), company=company, scope=f"{scope}    {period}", many=many)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _period_text(period: Period | None) -> str:
    """期间 line of the title block."""
    if period is None:
        return "期间：全部"
    return f"期间：{period.start.isoformat()} 至 {period.end.isoformat()}"


def _customer_sheet(sheet: Worksheet, rows: list[CustomerCard], *, company: str, scope: str,
                    catalog: tuple[str, ...], many: bool) -> None:
    """客户档案表, one quantity column per catalog product (others summed up in 其他产品)."""
    extra = any(p not in catalog for c in rows for p in c.products)
    headers = ["客户名称", "地址", "联系人", "联络电话", "乘车路线", *(f"{p}数量" for p in catalog),
               *(["其他产品"] if extra else []), "验收日期", "质保年限", "质保到期"]
    body = []
    for c in rows:
        others = "、".join(f"{p}×{q}" for p, q in c.products.items() if p not in catalog)
        body.append([c.name, c.address, c.contact, c.phone, c.route, *(c.products.get(p) for p in catalog),
                     *([others or None] if extra else []), c.accepted_on, c.warranty_years, c.warranty_end])
    _table(sheet, "客户档案表", company=company, scope=scope, headers=headers, body=body,
           offices=[c.office_name for c in rows] if many else None, footer=sheet_print.CUSTOMER_SIGN_OFF)


def _repair_sheet(sheet: Worksheet, rows: list[RepairCard], *, company: str, scope: str, many: bool) -> None:
    """售后维修记录表 with status and warranty."""
    body = [[r.customer_name, r.reporter, r.phone, r.reported_on, r.fault, r.technician_name, r.repaired_on,
             r.labour_hours, r.cause, r.resolution, "、".join(f"{n}×{q}" for n, q in r.parts) or None, r.accepted_by,
             STATUS_ZH[r.status], _yes_no(r.in_warranty)] for r in rows]
    _table(sheet, "售后维修记录表", company=company, scope=scope, headers=list(REPAIR_HEADERS), body=body,
           offices=[r.office_name for r in rows] if many else None, footer=REPAIR_FOOTER)


def _visit_sheet(sheet: Worksheet, rows: list[VisitCard], *, company: str, scope: str, many: bool) -> None:
    """客户拜访, times on each office's clock."""
    body = [[v.customer_name, v.local_time.replace(tzinfo=None), PURPOSE_ZH.get(v.purpose, v.purpose),
             v.staff_name, v.people_met, v.outcome, v.satisfaction, v.next_step, v.next_step_on, v.distance_m]
            for v in rows]
    _table(sheet, "客户拜访", company=company, scope=scope, headers=list(VISIT_HEADERS), body=body,
           offices=[v.office_name for v in rows] if many else None, footer=sheet_print.CUSTOMER_SIGN_OFF)


def _payment_sheet(sheet: Worksheet, rows: list[PaymentCard], *, company: str, scope: str, many: bool) -> None:
    """来款登记表: amounts as numbers in yuan, a total row at the bottom."""
    body = [[p.received_on, p.customer_name, PAYMENT_KIND_ZH[p.kind], p.amount, p.draft_no, p.draft_date,
             p.matures_on, p.acceptance_days, p.staff_name, p.note] for p in rows]
    total = {"金额(元)": sum((p.amount for p in rows), Decimal("0.00"))}
    _table(sheet, "来款登记表", company=company, scope=scope, headers=list(PAYMENT_HEADERS), body=body,
           offices=[p.office_name for p in rows] if many else None, footer=sheet_print.CUSTOMER_SIGN_OFF, total=total,
           formats={"金额(元)": MONEY_FORMAT})


def _expense_sheet(sheet: Worksheet, rows: list[ExpenseRow], *, company: str, scope: str, many: bool) -> None:
    """费用报销: amounts in yuan, 有无发票 as 有/无, a total row for the amounts and the commission base."""
    body = [[e.spent_on, e.requester, e.category, e.amount, _has_invoice(e.invoice), e.invoice_received_on,
             e.commission_amount, e.project, e.reason, e.status] for e in rows]
    total = {"金额(元)": sum((e.amount for e in rows), Decimal("0.00")),
             "计入提成金额(元)": sum((e.commission_amount for e in rows), Decimal("0.00"))}
    _table(sheet, "费用报销", company=company, scope=scope, headers=list(EXPENSE_HEADERS), body=body,
           offices=[e.office_name for e in rows] if many else None, footer=sheet_print.CUSTOMER_SIGN_OFF, total=total,
           formats={"金额(元)": MONEY_FORMAT, "计入提成金额(元)": MONEY_FORMAT})


def _has_invoice(value: bool | None) -> str | None:
    """有 / 无, blank for a claim from before the question."""
    return None if value is None else ("有" if value else "无")


def _yes_no(value: bool | None) -> str | None:
    """是 / 否, blank when unknown."""
    return None if value is None else ("是" if value else "否")


def _table(sheet: Worksheet, title: str, *, company: str, scope: str, headers: list[str],
           body: list[list[Any]], offices: list[str] | None, footer: Sequence[str],
           total: dict[str, Any] | None = None, formats: dict[str, str] | None = None) -> None:
    """Title block, 序号 and bold headers, typed bordered cells, an optional total row, the sign-off row.

    `total` maps headers to the values of a 合计 row under the body; `formats` gives columns (by
    header) a number format; `footer` is the paper form's sign-off labels. Print settings come
    from services.platform.sheet_print.
    """
    if offices is not None:
        headers = ["办事处", *headers]
        body = [[office, *row] for office, row in zip(offices, body, strict=True)]
    headers = [sheet_print.SERIAL, *headers]
    sheet.title = title
    sheet.append([sheet_print.title_text(company, title)])
    sheet.append([scope])
    sheet.append(headers)
    for number, row in enumerate(body, start=1):
        sheet.append([number, *row])
    if total is not None:
        sheet.append([TOTAL_LABEL, *(total.get(header) for header in headers[1:])])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    width = len(headers)
    sheet_print.style_title(sheet, row=1, width=width)
    sheet_print.style_title(sheet, row=2, width=width, size=11)
    sheet_print.style_grid(sheet, first_row=3, header_rows=1, last_row=sheet.max_row, width=width)
    _type_cells(sheet)
    for header, number_format in (formats or {}).items():
        column = get_column_letter(headers.index(header) + 1)
        for cell in sheet[column][3:]:
            cell.number_format = number_format
    sheet_print.sign_off(sheet, footer, width=width)
    sheet_print.set_widths(sheet, headers)
    sheet_print.prepare_print(sheet, header_last_row=3, freeze="A4")


def _type_cells(sheet: Worksheet) -> None:
    """Dates and times as real spreadsheet dates with a readable format; text always as text.

    openpyxl stores a string starting with '=' as a formula: typed text such as a customer named
    '=HYPERLINK(...)' must stay a plain string cell, shown exactly as entered.
    """
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
