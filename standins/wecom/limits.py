"""WeCom's per-member limit on app messages: 30 a minute and 1,000 an hour per app and member.

WeCom does not refuse a message over the limit: the send call still answers errcode 0 and the message is
silently dropped ("超过部分会被丢弃不下发"). That is the behaviour the bot must survive, so the stand-in
copies it: over-limit messages are counted, not delivered. Windows slide over the last 60 and 3,600 s.
"""

from collections import deque
from collections.abc import Callable

PER_MINUTE = 30
PER_HOUR = 1000


class MemberRateLimit:
    """Counts deliveries per (agent, member) and says whether one more fits in both windows."""

    def __init__(self, clock: Callable[[], float], *, per_minute: int = PER_MINUTE, per_hour: int = PER_HOUR) -> None:
        self.per_minute = per_minute
        self.per_hour = per_hour
        self._clock = clock
        self._delivered: dict[tuple[int, str], deque[float]] = {}

    def admit(self, agent_id: int, userid: str) -> bool:
        """True, and the delivery is counted, when the member may receive one more message now."""
        now = self._clock()
        times = self._delivered.setdefault((agent_id, userid), deque())
        while times and times[0] <= now - 3600:
            times.popleft()
        last_minute = sum(1 for t in times if t > now - 60)
        if last_minute >= self.per_minute or len(times) >= self.per_hour:
            return False
        times.append(now)
        return True
