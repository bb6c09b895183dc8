import pytest
from tests.e2e.harness import BotHarness
@pytest.mark.parametrize("i", range(100))
async def test_empty(bot: BotHarness, i: int) -> None:
    pass
