"""Goods receipt and acceptance rules (seed 002 篇一 驻外主管 5–6).

5) 接收并查验公司产品货运物流到达后的防护状况，核对数量并签收；需退换回公司的产品及时安排货运，并通知公司
   查收或重新发货 — a receipt with damaged packaging or fewer pieces than shipped opens a return (退换).
6) 在项目施工或安装完成后，要及时协调客户按合同验收产品或项目，并签字确认 — the acceptance date becomes the
   archive's 验收日期, from which the warranty runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReceiptCheck:
    """What the check of a delivery found."""

    short_by: int
    damaged: bool

    @property
    def needs_return(self) -> bool:
        """Damage or a shortage: the goods go back or are shipped again (退换)."""
        return self.damaged or self.short_by > 0


def check_receipt(*, shipped: int, received: int, packaging_ok: bool) -> ReceiptCheck:
    """Compare the delivery with what was shipped (more than shipped is recorded, not a shortage)."""
    return ReceiptCheck(short_by=max(shipped - received, 0), damaged=not packaging_ok)
