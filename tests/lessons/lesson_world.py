"""Reading a lesson's outcome off the simulated World after the run: the board LED's on/off
history whatever the board kind, and states that lasted (not the instants between two writes)."""

from __future__ import annotations

import time
from typing import Any

from kitbridge.sim.world import World


def led_device(world: World) -> tuple[str, Any]:
    """The World log device that holds the board's own LED, and a test: entry value -> lit."""
    dev = world.spec.devices["led"]
    p = dev.params
    if dev.type == "matrix":
        return "display", lambda image: bool(image) and image.split(":")[p["y"]][p["x"]] != "0"
    name = world.pin_name(p["gpio"])
    if dev.type == "neopixel":
        return name + " neopixel", lambda strip: bool(strip) and len(strip) > p["index"] and any(strip[p["index"]])
    return name, lambda level: level == p.get("active", 1)


def led_history(world: World) -> list[tuple[float, bool]]:
    """(time, lit) at each change of the board LED, repeats dropped."""
    device, lit = led_device(world)
    out: list[tuple[float, bool]] = []
    for entry in world.history(device):
        state = lit(entry.value)
        if not out or out[-1][1] != state:
            out.append((entry.t, state))
    return out


def lit_periods(world: World, end: float | None = None) -> list[tuple[float, float]]:
    """(start, length in s) of each time the board LED was lit."""
    end = time.monotonic() if end is None else end
    periods = []
    history = led_history(world)
    for i, (t, state) in enumerate(history):
        if state:
            stop = history[i + 1][0] if i + 1 < len(history) else end
            periods.append((t, stop - t))
    return periods


def lasting_states(changes: list[tuple[float, Any]], at_least: float, end: float) -> list[Any]:
    """The states in (time, state) changes that lasted `at_least` seconds, consecutive repeats merged."""
    out: list[Any] = []
    for i, (t, state) in enumerate(changes):
        stop = changes[i + 1][0] if i + 1 < len(changes) else end
        if stop - t >= at_least and (not out or out[-1] != state):
            out.append(state)
    return out
