"""Office upkeep: fixed assets, purchases and supplies, goods receipt and acceptance, meetings."""
