"""The collector tuning a bot process applies once it is up (bot/collector.py)."""

import gc

from bot import collector


def test_tuning_freezes_what_start_up_built_and_widens_only_the_young_generation() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # CPython's defaults
        leftover = [[]]
        leftover[0].append(leftover)  # a cycle start-up left behind: collected, not frozen
        del leftover
        collector.tune()
        assert gc.get_threshold() == (collector.YOUNG_GENERATION, 10, 10)
        assert gc.get_freeze_count() > 1000  # the modules, classes and functions loaded so far
        assert gc.collect() == 0, "the cycle was collected before the freeze"
    finally:
        gc.set_threshold(*before)
