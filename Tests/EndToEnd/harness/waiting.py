"""Bounded waiting: every loop in the suite ends, by success or by a deadline."""
import time


class Timeout(AssertionError):
    """A condition did not come true in time (an assertion failure, so pytest shows it as such)."""


def poll_until(condition, timeout, interval=0.05, what="condition"):
    """Calls `condition` until it returns a truthy value and returns that value.

    Raises `Timeout` naming `what` and the last value seen when `timeout` seconds pass.
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = condition()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise Timeout(f"{what}: not true after {timeout:.1f} s (last value: {last!r})")
        time.sleep(interval)


def sleep_until(real_time):
    """Sleeps until the wall-clock moment `real_time` (seconds since the epoch); returns at once if it passed.

    Used only to wait for a moment on the daemon's shifted clock, never as a stand-in for a poll.
    """
    delay = real_time - time.time()
    if delay > 0:
        time.sleep(delay)
