"""The mPython board's OLED screen (128×64, SSD1106 on I2C): board.display there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import wire
from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

CHAR = 8  # the firmware's font is 8×8 pixels


@onboard("display", type="oled")
class Display(Device):
    """The OLED screen on the front of the mPython board: 128×64 white pixels, (0, 0) at the top
    left. Nothing to wire: it sits on the board's own I2C bus. Text uses an 8×8 font, so 16
    characters fit on a row and 8 rows on the screen.

        board.display.text("Hello!", x=0, y=0)
        board.display.line(0, 63, 127, 0)
        board.display.clear()

    Each drawing call shows at once; for many at a time set `auto_show = False`, draw, then show().
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        spec = board.spec.device(name)
        bus = board.spec.device("i2c").params
        self.width: int = spec.params.get("width", 128)
        self.height: int = spec.params.get("height", 64)
        self._where = (bus["scl_pin"], bus["sda_pin"], spec.params["addresses"][0])
        self._auto = True
        # "9999 oled SCL SDA ADDR text X Y " + the text + " C *ck" must fit the board's longest line
        self.max_text = board.spec.max_line - len("9999 oled 99 99 119 text 127 63  1 *abcd")

    def _draw(self, *args: object) -> None:
        self._ask("oled", *self._where, *args)

    @property
    def auto_show(self) -> bool:
        """True (the start): every drawing call shows at once. False: nothing shows until show()."""
        return self._auto

    @auto_show.setter
    def auto_show(self, on: bool) -> None:
        if not isinstance(on, bool):
            raise TypeError(f"auto_show is True or False, not {on!r}")
        self._draw("auto", int(on))
        self._auto = on

    def show(self) -> None:
        """Send the drawing to the screen (needed only when auto_show is False)."""
        self._draw("show")

    def clear(self) -> None:
        """Make the whole screen dark."""
        self._draw("clear")

    def fill(self, color: int = 1) -> None:
        """Light the whole screen (color 1) or make it dark (color 0)."""
        self._draw("fill", _color(color))

    def text(self, text: str, x: int = 0, y: int = 0, color: int = 1) -> None:
        """Write `text` with its top-left corner at (x, y); characters are 8×8 pixels."""
        text = str(text)
        if not text or not text.isascii() or not text.isprintable():
            raise ValueError(f"the screen's font has printable ASCII characters only, not {text!r}")
        word = wire.quote(text)
        if len(word) > self.max_text:
            raise ValueError(f"text is at most {self.max_text} characters at a time (spaces and % count as 3), "
                             f"not {len(word)}; {self.width // CHAR} fit across the screen")
        self._draw("text", self._x(x), self._y(y), word, _color(color))

    def pixel(self, x: int, y: int, color: int = 1) -> None:
        """Light (color 1) or darken (color 0) one pixel."""
        self._draw("pixel", self._x(x), self._y(y), _color(color))

    def line(self, x1: int, y1: int, x2: int, y2: int, color: int = 1) -> None:
        """A straight line from (x1, y1) to (x2, y2)."""
        self._draw("line", self._x(x1), self._y(y1), self._x(x2), self._y(y2), _color(color))

    def rect(self, x: int, y: int, width: int, height: int, color: int = 1, fill: bool = False) -> None:
        """A rectangle with its top-left corner at (x, y), outlined or filled."""
        self._x(x), self._y(y)
        _whole(width, 1, self.width, "width")
        _whole(height, 1, self.height, "height")
        self._draw("rect", x, y, width, height, _color(color), int(bool(fill)))

    def _x(self, x: int) -> int:
        return _whole(x, 0, self.width - 1, "x")

    def _y(self, y: int) -> int:
        return _whole(y, 0, self.height - 1, "y")


def _whole(v: int, lo: int, hi: int, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValueError(f"{what} must be a whole number {lo}..{hi}, not {v!r}")
    return v


def _color(c: int) -> int:
    if c not in (0, 1) or isinstance(c, float):
        raise ValueError(f"color is 1 (lit) or 0 (dark), not {c!r}")
    return int(c)

