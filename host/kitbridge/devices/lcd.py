"""LCD1602: a 16×2 character screen on an I2C backpack (PCF8574), the `lcd` firmware verb."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import wire
from .base import Device
from .i2c import bus_pins, check_address
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

COLUMNS, ROWS = 16, 2


@export
class LCD1602(Device):
    """A 16×2 character LCD with an I2C backpack (the small board soldered on its back).

    Wiring: backpack GND to GND, VCC to 5V (3V3 works on some, dimmer), SDA to the board's SDA
    pin, SCL to its SCL pin (pins 20 and 19 on the mPython board and the micro:bit). Most
    backpacks answer at 0x27, some at 0x3F; I2C(board).scan() tells. Turn the blue
    potentiometer on the back if the text cannot be seen.

        lcd = LCD1602(board)
        lcd.show("Hello", "world")
        lcd.write("!", row=1, column=6)
    """

    def __init__(self, board: Board, address: int = 0x27, *, scl: int | None = None, sda: int | None = None) -> None:
        self.scl, self.sda = bus_pins(board, scl, sda)
        self.address = check_address(address)
        super().__init__(board, f"lcd 0x{address:02x}")
        self._backlight = True
        self._ask("lcd", self.scl, self.sda, self.address, "init")

    def clear(self) -> None:
        """Blank both rows."""
        self._ask("lcd", self.scl, self.sda, self.address, "clear")

    def write(self, text: str, row: int = 0, column: int = 0) -> None:
        """Put `text` on `row` (0 top, 1 bottom) from `column` (0..15), over what was there."""
        for v, top, what in ((row, ROWS - 1, "row"), (column, COLUMNS - 1, "column")):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top:
                raise ValueError(f"{what} must be a whole number 0..{top}, not {v!r}")
        text = str(text)
        if not text.isascii() or not text.isprintable():
            raise ValueError(f"the LCD shows printable ASCII characters only, not {text!r}")
        if column + len(text) > COLUMNS:
            raise ValueError(f"{text!r} is {len(text)} characters; from column {column} there is room for "
                             f"{COLUMNS - column}")
        if text:
            self._ask("lcd", self.scl, self.sda, self.address, "text", row, column, wire.quote(text))

    def show(self, top: str = "", bottom: str = "") -> None:
        """Clear the screen and show up to 16 characters on each row."""
        for line in (top, bottom):
            if len(str(line)) > COLUMNS:
                raise ValueError(f"a row holds {COLUMNS} characters; {str(line)!r} has {len(str(line))}")
        self.clear()
        self.write(top, 0)
        self.write(bottom, 1)

    @property
    def backlight(self) -> bool:
        """Whether the backlight is on (it starts on)."""
        return self._backlight

    @backlight.setter
    def backlight(self, on: bool) -> None:
        if not isinstance(on, bool):
            raise TypeError(f"backlight is True or False, not {on!r}")
        self._ask("lcd", self.scl, self.sda, self.address, "backlight", int(on))
        self._backlight = on
