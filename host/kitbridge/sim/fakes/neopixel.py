"""Fake `neopixel`: a WS2812 strip whose colours reach the World log ("pin N neopixel") on write().

ESP32 MicroPython sends with write(); micro:bit v1 with show() (v2 has both). The LEDs keep
their colours across a reset of the chip, as the real ones latch them.
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import Runtime


def make_neopixel(rt: Runtime) -> types.ModuleType:
    from . import module

    class NeoPixel:
        ORDER = (1, 0, 2, 3)

        def __init__(self, pin: Any, n: int, bpp: int = 3, timing: int = 1) -> None:
            name = getattr(pin, "_sim_name", None)
            if name is None:
                raise TypeError("NeoPixel needs a pin object of the board, not %r" % (pin,))
            if hasattr(pin, "init"):
                pin.init(pin.OUT)
            else:
                rt.chip.drive(name, 0)
            self.pin = pin
            self.n = n
            self.bpp = bpp
            self._device = name + " neopixel"
            self._px = [(0,) * bpp for _ in range(n)]

        def __len__(self) -> int:
            return self.n

        def __setitem__(self, index: int, colour: Any) -> None:
            colour = tuple(colour)
            if len(colour) != self.bpp or not all(isinstance(c, int) and 0 <= c <= 255 for c in colour):
                raise ValueError("colour must be %d whole numbers 0..255" % self.bpp)
            self._px[index] = colour

        def __getitem__(self, index: int) -> tuple:
            return self._px[index]

        def fill(self, colour: Any) -> None:
            for i in range(self.n):
                self[i] = colour

        def _send(self) -> None:
            rt.world.record(self._device, tuple(self._px))

        def clear(self) -> None:
            self.fill((0,) * self.bpp)
            self._send()

    sends = {"show": NeoPixel._send} if rt.family == "microbit" else {"write": NeoPixel._send}
    if rt.spec.kind == "microbit-v2":
        sends["write"] = NeoPixel._send
    for name, method in sends.items():
        setattr(NeoPixel, name, method)
    if rt.family != "microbit":
        del NeoPixel.clear
    return module("neopixel", NeoPixel=NeoPixel)
