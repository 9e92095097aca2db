"""NeoPixel: a strip (or ring) of WS2812 colour LEDs on one pin."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .addon import fraction, need_driver, pin_word
from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

Colour = tuple[int, int, int] | str
MAX_LEDS = 512  # the firmware's limit; a micro:bit v1 runs out of RAM long before
_HEX = re.compile(r"#?([0-9a-fA-F]{6})\Z")


@export
class NeoPixel(Device):
    """A WS2812 ("NeoPixel") strip or ring of `count` colour LEDs.

    Wiring: the strip's DIN (arrow pointing away from the wire) to the pin, 5V (or VCC) to 5V,
    GND to GND. More than about 8 LEDs at full white need their own 5 V supply, its GND joined
    to the board's. Colours are (red, green, blue) 0..255 or "#ff8000"; `brightness` (0..1)
    scales them all, and is easy on eyes and batteries.

        strip = NeoPixel(board, 0, count=8)
        strip[0] = (255, 0, 0)
        strip.fill("#0000ff")
    """

    def __init__(self, board: Board, pin: int, count: int, *, brightness: float = 1.0,
                 auto_write: bool = True) -> None:
        self._pin = pin_word(board, pin, "out", "drive a NeoPixel strip")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_LEDS:
            raise ValueError(f"count must be a whole number of LEDs 1..{MAX_LEDS}, not {count!r}")
        need_driver(board, "strip", "drive a NeoPixel strip")
        super().__init__(board, f"NeoPixel strip on pin {pin}")
        self.count = count
        self.auto_write = auto_write
        self._brightness = fraction(brightness, "brightness")
        self._colours: list[tuple[int, int, int]] = [(0, 0, 0)] * count

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(list(self._colours))

    def __getitem__(self, index: int) -> tuple[int, int, int]:
        return self._colours[self._index(index)]

    def __setitem__(self, index: int, colour: Colour) -> None:
        i = self._index(index)
        self._colours[i] = as_rgb(colour)
        if self.auto_write:
            self._send(i, i + 1)

    def fill(self, colour: Colour) -> None:
        """Every LED the same colour."""
        rgb = as_rgb(colour)
        self._colours = [rgb] * self.count
        if self.auto_write:
            self._ask("strip", self._pin, self.count, "fill", self._hex(rgb))

    def off(self) -> None:
        self.fill((0, 0, 0))

    def show(self) -> None:
        """Send every LED's colour (needed after changes when auto_write is False)."""
        self._send(0, self.count)

    @property
    def brightness(self) -> float:
        return self._brightness

    @brightness.setter
    def brightness(self, level: float) -> None:
        self._brightness = fraction(level, "brightness")
        if self.auto_write:
            self.show()

    def _send(self, start: int, stop: int) -> None:
        # a request line holds only a few colours on a micro:bit (48 bytes): send in pieces
        room = self.board._client.max_line - len(f"9999 strip {self._pin} {self.count} {self.count} *0000")
        per_line = max(1, room // 7)
        for i in range(start, stop, per_line):
            words = [self._hex(c) for c in self._colours[i:min(stop, i + per_line)]]
            self._ask("strip", self._pin, self.count, i, *words)

    def _hex(self, rgb: tuple[int, int, int]) -> str:
        return "".join(f"{round(c * self._brightness):02x}" for c in rgb)

    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not -self.count <= index < self.count:
            raise IndexError(f"LED index must be 0..{self.count - 1}, not {index!r}")
        return index % self.count


def as_rgb(colour: Colour) -> tuple[int, int, int]:
    """(r, g, b) from (r, g, b) or "#rrggbb"; ValueError saying what a colour looks like."""
    if isinstance(colour, str):
        match = _HEX.match(colour)
        if match:
            x = int(match.group(1), 16)
            return (x >> 16, x >> 8 & 255, x & 255)
    elif (isinstance(colour, (tuple, list)) and len(colour) == 3
          and all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in colour)):
        return (colour[0], colour[1], colour[2])
    raise ValueError(f"a colour is (red, green, blue) with each 0..255, or '#rrggbb', not {colour!r}")
