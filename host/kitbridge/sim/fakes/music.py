"""Fake `music` (micro:bit): pitch() and stop() log the note's frequency as World device "music".

A note with a duration ends by itself: the log shows None once it has sounded for that long.
Only pitch and stop are modelled; play() of note strings and tempo are not.
"""

from __future__ import annotations

import threading
import types
from typing import Any

from ..runtime import Runtime


def make_music(rt: Runtime) -> types.ModuleType:
    from . import module

    state: dict[str, Any] = {"timer": None}

    def _cancel() -> None:
        if state["timer"] is not None:
            state["timer"].cancel()
            state["timer"] = None

    def stop(pin: Any = None) -> None:
        _cancel()
        rt.world.record("music", None)

    def pitch(frequency: int, duration: int = -1, pin: Any = None, wait: bool = True) -> None:
        if isinstance(frequency, bool) or not isinstance(frequency, int) or frequency < 0:
            raise ValueError("frequency must be a whole number of Hz")
        _cancel()
        rt.world.record("music", frequency or None)
        if duration is None or duration < 0:
            return
        if wait:
            rt.sleep(duration / 1000)
            rt.world.record("music", None)
            return
        timer = threading.Timer(duration / 1000, lambda: rt.world.record("music", None))
        timer.daemon = True
        state["timer"] = timer
        timer.start()

    return module("music", pitch=pitch, stop=stop)
