"""The collector tuning a bot process applies once it is up (bot/collector.py)."""

import gc
import weakref

from bot import collector


class _Node:
    """Something start-up built and dropped, caught in a reference cycle."""

    def __init__(self) -> None:
        self.me = self


def test_tuning_collects_then_freezes_what_start_up_built_and_widens_only_the_young_generation() -> None:
    before = gc.get_threshold()
    gc.disable()  # no automatic pass between dropping the cycle and the tuning
    try:
        gc.set_threshold(700, 10, 10)  # CPython's defaults
        node = _Node()
        dropped = weakref.ref(node)
        del node
        collector.tune()
        assert dropped() is None, "garbage left by start-up was frozen instead of collected"
        assert gc.get_threshold() == (collector.YOUNG_GENERATION, 10, 10)
        assert gc.get_freeze_count() > 1000  # the modules, classes and functions loaded so far
    finally:
        gc.set_threshold(*before)
        gc.enable()
