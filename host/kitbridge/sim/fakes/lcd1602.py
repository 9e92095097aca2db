"""Fake LCD1602 with an I2C backpack: a PCF8574 port expander (0x27; some boards 0x3F) driving an
HD44780 character LCD in 4-bit mode.

Port bits: P0 RS, P1 RW, P2 E, P3 backlight, P4..P7 D4..D7; the HD44780 takes D4..D7 when E
falls. It powers up in 8-bit mode: a driver must send the 0x3, 0x3, 0x3, 0x2 wake-up nibbles
before 4-bit instructions mean anything, as on the real part. Clear and home keep it busy for
1.52 ms; instructions sent meanwhile are lost (a real driver waits).

    lcd = world.buses.i2c().attach(LCD1602Chip())
    lcd.lines            # ("Hello", "")    what the two rows show (blank while the display is off)
    lcd.backlight        # True
World log: "lcd 0x27" -> the two rows, "lcd 0x27 backlight" -> 0/1.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .i2c import I2CChip

if TYPE_CHECKING:
    from ..world import World

RS, RW, E, BL = 1, 2, 4, 8
BUSY_CLEAR_S = 0.00152
ROM_SPECIAL = {0x5C: "\u00a5", 0x7E: "\u2192", 0x7F: "\u2190"}  # HD44780 A00 character ROM


class LCD1602Chip(I2CChip):
    address = 0x27

    def __init__(self, world: World, columns: int = 16) -> None:
        self._world = world
        self.columns = columns
        self.port = 0xFF
        self.ddram = bytearray(b" " * 0x68)
        self.addr = 0
        self.eight_bit = True
        self._high: int | None = None  # first nibble of a 4-bit transfer
        self.display_on = False
        self.increment = True
        self._busy_until = 0.0

    def write(self, data: bytes) -> None:
        for byte in data:
            if self.port & E and not byte & E:
                self._nibble(self.port >> 4, bool(self.port & RS))
            if (self.port ^ byte) & BL:
                self._world.record(self._name + " backlight", 1 if byte & BL else 0)
            self.port = byte

    def read(self, n: int) -> bytes:
        return bytes([self.port]) * n

    @property
    def backlight(self) -> bool:
        return bool(self.port & BL)

    @property
    def lines(self) -> tuple[str, str]:
        """What the two rows show (blank while the display is off)."""
        if not self.display_on:
            return ("", "")
        return (self._row(0x00), self._row(0x40))

    @property
    def _name(self) -> str:
        return f"lcd 0x{self.address:02x}"

    def _row(self, start: int) -> str:
        chars = self.ddram[start:start + self.columns]
        return "".join(ROM_SPECIAL.get(b, chr(b) if 32 <= b < 127 else "\u00b7") for b in chars).rstrip()

    def _nibble(self, nibble: int, rs: bool) -> None:
        if self.eight_bit:
            self._transfer(nibble << 4, rs)  # D0..D3 are not wired: they read 0
            return
        if self._high is None:
            self._high = nibble
            return
        byte, self._high = self._high << 4 | nibble, None
        self._transfer(byte, rs)

    def _transfer(self, byte: int, rs: bool) -> None:
        now = time.monotonic()
        if now < self._busy_until:
            return
        if rs:
            self._data(byte)
        else:
            self._instruction(byte, now)
        self._world.record(self._name, self.lines)

    def _instruction(self, c: int, now: float) -> None:
        if c & 0x80:
            self.addr = c & 0x7F
        elif c & 0x40:
            pass  # CGRAM address: custom characters are not modelled
        elif c & 0x20:
            self.eight_bit = bool(c & 0x10)
            self._high = None
        elif c & 0x10:
            pass  # cursor or display shift
        elif c & 0x08:
            self.display_on = bool(c & 0x04)
        elif c & 0x04:
            self.increment = bool(c & 0x02)
        elif c & 0x02:
            self.addr = 0
            self._busy_until = now + BUSY_CLEAR_S
        elif c & 0x01:
            self.ddram[:] = b" " * len(self.ddram)
            self.addr = 0
            self.increment = True
            self._busy_until = now + BUSY_CLEAR_S

    def _data(self, byte: int) -> None:
        if self.addr < len(self.ddram):
            self.ddram[self.addr] = byte
        step = 1 if self.increment else -1
        self.addr = (self.addr + step) % 0x80
        if 0x28 <= self.addr < 0x40:
            self.addr = 0x40 if step > 0 else 0x27
        elif self.addr >= 0x68:
            self.addr = 0x00 if step > 0 else 0x67
