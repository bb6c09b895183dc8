"""WeCom's limits as the sender's limiter: per member 30 a minute and 1,000 an hour, and the app's daily cap."""

from __future__ import annotations

from bot.wecom.channel import wecom_limiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sends_within(limiter_clock: Clock, *, daily: int, chats: int, seconds: float, bulk: bool) -> int:
    """Send whenever allowed, round-robin over `chats` members, for `seconds`; how many went."""
    limiter = wecom_limiter(limiter_clock, daily=daily)
    sent, end, turn = 0, limiter_clock.now + seconds, 0
    while limiter_clock.now < end:
        if (overall := limiter.global_delay(bulk=bulk)) > 0:  # the app's cap: nobody may receive yet
            limiter_clock.now += overall
            continue
        order = [(turn + i) % chats for i in range(chats)]  # the next member after the last one served first
        ready = next((c for c in order if limiter.delay_for(str(c), bulk=bulk) <= 0), None)
        if ready is not None:
            limiter.note_send(str(ready), bulk=bulk)
            sent, turn = sent + 1, ready + 1
        else:
            limiter_clock.now += min(limiter.delay_for(str(c), bulk=bulk) for c in range(chats))
    return sent


def test_one_member_gets_at_most_30_in_a_minute_and_1000_in_an_hour() -> None:
    assert sends_within(Clock(), daily=0, chats=1, seconds=60, bulk=True) <= 30
    assert 900 <= sends_within(Clock(), daily=0, chats=1, seconds=3600, bulk=True) <= 1000


def test_the_apps_daily_cap_holds_over_all_members_replies_included() -> None:
    for bulk in (True, False):
        assert 450 <= sends_within(Clock(), daily=500, chats=200, seconds=86_400, bulk=bulk) <= 500
        assert sends_within(Clock(), daily=500, chats=200, seconds=60, bulk=bulk) >= 250  # half goes at once


def test_without_a_daily_cap_many_members_are_not_held_back() -> None:
    assert sends_within(Clock(), daily=0, chats=200, seconds=60, bulk=False) > 2000
