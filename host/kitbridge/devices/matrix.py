"""The micro:bit's 5×5 LED matrix: images, scrolling text, brightness."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import wire
from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

SIZE = 5
Image = str | Sequence[Sequence[int]]


@onboard("display", type="led_matrix")
class LEDMatrix(Device):
    """The 5×5 LEDs on the front of a micro:bit, each 0 (off) .. 9 (brightest). Nothing to wire.
    An image is five rows of five digits, "09090:99999:99999:09990:00900" (a heart), or a list
    of five lists of five numbers.

        board.display.show("09090:99999:99999:09990:00900")
        board.display.scroll("Hi!")
        board.display.brightness = 0.5
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        self._brightness = 1.0
        # request "9999 matrix text " + the text + " *ck" fits the board's longest line
        self.max_text = board.spec.max_line - len("9999 matrix text ") - len(" *abcd")

    @property
    def brightness(self) -> float:
        """0..1: how bright show() and set_pixel() light the LEDs (1 shows levels as given)."""
        return self._brightness

    @brightness.setter
    def brightness(self, level: float) -> None:
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 <= level <= 1:
            raise ValueError(f"brightness must be a number 0..1, not {level!r}")
        self._brightness = float(level)

    def _scale(self, level: int) -> int:
        return int(level * self._brightness + 0.5)  # half up: 9 at 0.5 lights 5

    def show(self, image: Image) -> None:
        """Light the matrix as `image` says."""
        rows = _rows(image)
        self._ask("matrix", "img", "".join(str(self._scale(v)) for row in rows for v in row))

    def scroll(self, text: str) -> None:
        """Scroll `text` across once (returns at once; the board keeps scrolling)."""
        text = str(text)
        if not text.isascii() or not text.isprintable():
            raise ValueError(f"the matrix shows printable ASCII only, not {text!r}")
        word = wire.quote(text)
        if not text or len(word) > self.max_text:
            raise ValueError(f"scroll text must be 1..{self.max_text} characters on this board "
                             f"(spaces and % count as 3), not {len(word)}: scroll it in parts")
        self._ask("matrix", "text", word)

    def set_pixel(self, x: int, y: int, level: int) -> None:
        for what, v, top in (("x", x, SIZE - 1), ("y", y, SIZE - 1), ("level", level, 9)):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top:
                raise ValueError(f"{what} must be a whole number 0..{top}, not {v!r}")
        self._ask("matrix", "px", x, y, self._scale(level))

    def clear(self) -> None:
        self._ask("matrix", "clear")


def _rows(image: Image) -> list[list[int]]:
    if isinstance(image, str):
        rows = [[int(c) if c.isdigit() else -1 for c in row] for row in image.rstrip(":").split(":")]
    else:
        try:
            rows = [[v if isinstance(v, int) and not isinstance(v, bool) else -1 for v in row] for row in image]
        except TypeError:
            rows = []
    if len(rows) != SIZE or any(len(r) != SIZE or min(r) < 0 or max(r) > 9 for r in rows):
        raise ValueError(f"an image is {SIZE} rows of {SIZE} levels 0..9, like "
                         f"'09090:99999:99999:09990:00900', not {image!r}")
    return rows
