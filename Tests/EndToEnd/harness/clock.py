"""The daemon's shifted clock seen from outside: when does a 2019 moment happen in real time?

concertd started with `--clock-start S --clock-rate R` reads S at the real moment T0 it made its
clock, and then R seconds pass on it per real second. T0 is read from the daemon's own log line
`SHIFTED CLOCK … clock.now=S` (its timestamp has millisecond precision, and the line is written
right after the clock is made), so the harness can say within a few milliseconds when a due time
arrives.
"""
import datetime as dt
import time
from dataclasses import dataclass

KST = dt.timezone(dt.timedelta(hours=9), "KST")


def kst(text):
    """`2019-10-24T13:00` (Korea time) or any ISO 8601 text with an offset, as an aware datetime."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def iso(moment):
    """An aware datetime as concertd writes it: `2019-10-24T13:00:00+09:00`."""
    return moment.astimezone(KST).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ShiftedClock:
    start: dt.datetime  # S: what the daemon's clock read at T0
    rate: float  # R: daemon seconds per real second
    real_start: float  # T0: seconds since the epoch

    def real_time(self, moment):
        """The real moment (seconds since the epoch) at which the daemon's clock reads `moment`."""
        return self.real_start + (moment - self.start).total_seconds() / self.rate

    def at_real(self, real_time):
        """What the daemon's clock reads at the real moment `real_time`."""
        return self.start + dt.timedelta(seconds=(real_time - self.real_start) * self.rate)

    def now(self):
        return self.at_real(time.time())

    def real_seconds(self, shifted_seconds):
        """How long `shifted_seconds` of daemon time take in real time."""
        return shifted_seconds / self.rate
