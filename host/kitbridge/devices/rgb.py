"""The mPython board's three RGB LEDs (WS2812 on GPIO 17)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

Colour = tuple[int, int, int]


def _colour(colour: object) -> Colour:
    try:
        r, g, b = colour  # type: ignore[misc]
        ok = all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in (r, g, b))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"a colour is (red, green, blue), each a whole number 0..255, not {colour!r}")
    return r, g, b


@onboard("rgb")
class RGBLEDs(Device):
    """The row of RGB LEDs on the board (three on the mPython board). Nothing to wire.
    LED 0 is also the board's `led`.

        board.rgb[0] = (255, 0, 0)      # first LED red
        board.rgb.fill((0, 0, 64))      # all dim blue
        board.rgb.off()
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        self.count: int = board.spec.device(name).params["count"]

    def __len__(self) -> int:
        return self.count

    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not -self.count <= index < self.count:
            raise IndexError(f"RGB LED number must be 0..{self.count - 1}, not {index!r}")
        return index % self.count

    def __getitem__(self, index: int) -> Colour:
        text = self._ask("rgb", self._index(index))
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)

    def __setitem__(self, index: int, colour: Colour) -> None:
        r, g, b = _colour(colour)
        self._ask("rgb", self._index(index), f"{r:02x}{g:02x}{b:02x}")

    def fill(self, colour: Colour) -> None:
        r, g, b = _colour(colour)
        self._ask("rgb", "*", f"{r:02x}{g:02x}{b:02x}")

    def off(self) -> None:
        self.fill((0, 0, 0))

    @property
    def value(self) -> list[Colour]:
        return [self[i] for i in range(self.count)]
