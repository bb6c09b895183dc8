"""How the process's garbage collector runs once start-up is over.

CPython's collector runs a young-generation pass every 700 net allocations, and each pass walks
every tracked object that survived so far. After start-up that is tens of thousands of objects that
live as long as the process (modules, the ORM's mappers, message catalogs, configuration), walked
again and again; a sweep over 10,000 people allocates millions of objects and spent about a third of
its time in the collector (bench/reminder_sweep.py: 490–820 ms → 410–550 ms with this). Freezing
what start-up built moves it out of the collector's sight, and a young generation of 50,000 lets a
burst of short-lived objects die by reference counting before a pass; the older generations keep
CPython's defaults, so cyclic garbage is still collected as before.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION = 50_000


def tune() -> None:
    """Call once, when start-up is done: collect, freeze the survivors, widen the young generation."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, middle, oldest)
