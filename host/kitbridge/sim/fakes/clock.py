"""Fake `time` / `utime`: board ticks that wrap at 2**30 like MicroPython's, and sleeps Ctrl-C can cut."""

from __future__ import annotations

import time as _host_time
import types

from ..runtime import TICKS_PERIOD, Runtime

EPOCH_2000 = 946684800  # MicroPython on these boards counts seconds from 2000-01-01


def ticks_diff(a: int, b: int) -> int:
    """Signed a - b on the wrapping ticks circle, as MicroPython's time.ticks_diff."""
    half = TICKS_PERIOD // 2
    return ((a - b + half) % TICKS_PERIOD) - half


def ticks_add(t: int, delta: int) -> int:
    return (t + delta) % TICKS_PERIOD


def make_time(rt: Runtime) -> types.ModuleType:
    from . import module

    def sleep(seconds: float) -> None:
        rt.sleep(seconds)

    def sleep_ms(ms: int) -> None:
        rt.sleep(ms / 1000)

    def sleep_us(us: int) -> None:
        rt.sleep(us / 1e6)

    def board_time() -> int:
        return int(_host_time.time()) - EPOCH_2000

    def localtime(secs: int | None = None) -> tuple:
        t = _host_time.gmtime(EPOCH_2000 + (board_time() if secs is None else secs))
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, t.tm_wday, t.tm_yday)

    return module(
        "utime",
        ticks_ms=rt.clock.ticks_ms,
        ticks_us=rt.clock.ticks_us,
        ticks_cpu=rt.clock.ticks_us,
        ticks_diff=ticks_diff,
        ticks_add=ticks_add,
        sleep=sleep,
        sleep_ms=sleep_ms,
        sleep_us=sleep_us,
        time=board_time,
        localtime=localtime,
        gmtime=localtime,
    )
