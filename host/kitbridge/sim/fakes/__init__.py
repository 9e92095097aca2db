"""Fake MicroPython modules for one simulated board, bound to its Runtime (line, world, clock, chip).

build(rt) gives the modules a board of rt's family has: both have machine, time/utime, gc,
micropython, neopixel and sys; a micro:bit adds microbit (its serial line is microbit.uart, and
its sys has no stdin); an ESP32 adds select/uselect (its serial line is sys.stdin/stdout), and
network, usocket and umqtt.simple (net.py).
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import Runtime
from .clock import make_time
from .dht import make_dht
from .framebuf import make_framebuf
from .machine import make_machine
from .microbit import make_microbit
from .music import make_music
from .neopixel import make_neopixel
from .net import make_net
from .system import make_gc, make_micropython, make_select, make_sys


def build(rt: Runtime) -> dict[str, Any]:
    """The fake modules of one boot of the board behind `rt`."""
    clock = make_time(rt)
    modules: dict[str, Any] = {
        "time": clock,
        "utime": clock,
        "machine": make_machine(rt),
        "neopixel": make_neopixel(rt),
        "gc": make_gc(rt),
        "micropython": make_micropython(rt),
        "sys": make_sys(rt),
    }
    if rt.family == "microbit":
        modules["microbit"] = make_microbit(rt)
        modules["music"] = make_music(rt)
    else:
        modules["select"] = modules["uselect"] = make_select(rt)
        modules["usys"] = modules["sys"]
        modules["framebuf"] = make_framebuf()
        modules["dht"] = make_dht(rt)
        modules.update(make_net(rt))  # Wi-Fi and umqtt.simple, for firmware/kb_net.py
    return modules


def module(name: str, **attrs: Any) -> types.ModuleType:
    """A module object holding `attrs`, as the board's built-in module `name`."""
    m = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(m, key, value)
    return m
