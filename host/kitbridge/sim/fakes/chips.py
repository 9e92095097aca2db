"""Fake I2C chips of the mPython board: the SSD1106 OLED, the MSA300 accelerometer and the
MMC5983MA magnetometer. Buses.i2c() wires them onto the board's own I2C pins from its definition.

Axes: the accelerometer's and the magnetometer's x, y, z are the World's (lying flat face up
reads (0, 0, -1) g; x to the right, y towards the bottom edge, z out of the back).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .framebuf import text_of_cell
from .i2c import I2CChip, RegisterChip

if TYPE_CHECKING:
    from ..world import World

SH1106_COLUMNS = 132  # RAM columns; a 128-pixel panel shows columns 2..129
SH1106_TWO_BYTE = {0x81, 0xA8, 0xAD, 0xD3, 0xD5, 0xD9, 0xDA, 0xDB}  # commands followed by one argument


class SSD1106(I2CChip):
    """A 128x64 OLED with an SH1106/SSD1106 controller: 8 pages of 132 columns of 8 pixels.

    Each write starts with a control byte: 0x00 commands follow, 0x40 data follows, 0x80 / 0xC0
    one command / one data byte then another control byte. The picture is upright with segment
    remap (0xA1) and COM scan reversed (0xC8), as on the mPython board; dark until 0xAF.

    Tests read it with .pixel(x, y), .rows() (text art) and .text() (the sim font's text, one
    line per 8-pixel row). Every change of the text is logged in the World as "oled".
    """

    address = 0x3C

    def __init__(self, world: World, width: int = 128, height: int = 64) -> None:
        self._world = world
        self.width, self.height = width, height
        self.ram = [bytearray(SH1106_COLUMNS) for _ in range(8)]
        self.page = self.column = 0
        self.on = False
        self.remap = self.flip = False
        self.inverse = False
        self.contrast = 0x80
        self._pending: int | None = None  # a command waiting for its argument

    def write(self, data: bytes) -> None:
        i = 0
        drew = False
        while i < len(data):
            control = data[i]
            i += 1
            single = bool(control & 0x80)
            is_data = bool(control & 0x40)
            chunk = data[i:i + 1] if single else data[i:]
            i += len(chunk)
            for byte in chunk:
                if is_data:
                    if self.column < SH1106_COLUMNS:
                        self.ram[self.page][self.column] = byte
                    self.column += 1
                    drew = True
                else:
                    self._command(byte)
        if drew:
            self._log()

    def _command(self, c: int) -> None:
        if self._pending is not None:
            if self._pending == 0x81:
                self.contrast = c
            self._pending = None
            return
        if c in SH1106_TWO_BYTE:
            self._pending = c
        elif c in (0xAE, 0xAF):
            self.on = c == 0xAF
            self._log()
        elif c in (0xA0, 0xA1):
            self.remap = c == 0xA1
        elif c in (0xC0, 0xC8):
            self.flip = c == 0xC8
        elif c in (0xA6, 0xA7):
            self.inverse = c == 0xA7
        elif 0xB0 <= c <= 0xB7:
            self.page = c - 0xB0
        elif c <= 0x0F:
            self.column = (self.column & 0xF0) | c
        elif c <= 0x1F:
            self.column = (self.column & 0x0F) | (c - 0x10) << 4

    def pixel(self, x: int, y: int) -> int:
        """1 if the pixel at (x, y) (0, 0 = top left) is lit."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise ValueError(f"pixel ({x}, {y}) is off the {self.width}x{self.height} screen")
        if not self.on:
            return 0
        column = x + 2 if self.remap else SH1106_COLUMNS - 3 - x
        row = y if self.flip else self.height - 1 - y
        bit = self.ram[row >> 3][column] >> (row & 7) & 1
        return bit ^ self.inverse

    def rows(self) -> list[str]:
        """The screen as text art: one string per pixel row, '#' lit, '.' dark."""
        return ["".join("#" if self.pixel(x, y) else "." for x in range(self.width)) for y in range(self.height)]

    def text(self) -> list[str]:
        """What the screen says in the sim font: one string per 8-pixel text row, right-stripped."""
        lines = []
        for top in range(0, self.height, 8):
            line = ""
            for left in range(0, self.width, 8):
                cell = bytes(sum(self.pixel(left + c, top + r) << r for r in range(8)) for c in range(8))
                line += text_of_cell(cell)
            lines.append(line.rstrip())
        return lines

    def _log(self) -> None:
        self._world.record("oled", tuple(self.text()))


class MSA300(RegisterChip):
    """MSA300 accelerometer: part id 0x13 at register 0x01; x, y, z at 0x02..0x07 as 16-bit
    little-endian words, the sample left-aligned (14-bit: shift right by 2). Register 0x0F bits
    1:0 pick the range (2, 4, 8, 16 g), bits 3:2 the resolution (14, 12, 10, 8 bits)."""

    address = 0x26

    def __init__(self, world: World) -> None:
        super().__init__()
        self._world = world
        self.regs[0x01] = 0x13

    def read_register(self, reg: int) -> int:
        if 0x02 <= reg <= 0x07:
            g = self._world.acceleration[(reg - 2) // 2]
            setting = self.regs[0x0F]
            span = (2, 4, 8, 16)[setting & 3]
            bits = (14, 12, 10, 8)[setting >> 2 & 3]
            top = (1 << (bits - 1)) - 1
            sample = max(-top - 1, min(top, round(g * (top + 1) / span)))
            word = (sample << (16 - bits)) & 0xFFFF
            return word & 0xFF if reg % 2 == 0 else word >> 8
        return self.regs[reg]


class MMC5983MA(RegisterChip):
    """MMC5983MA magnetometer: product id 0x30 at register 0x2F. Writing bit 0 (TM_M) of 0x09
    takes a measurement: 18-bit x, y, z (16384 counts per gauss, 131072 = no field) in 0x00..0x06
    (x, y, z high bytes then low bytes, the two lowest bits of each in 0x06), and sets bit 0 of
    the status register 0x08; bit 1 (TM_T) puts the temperature in 0x07 (-75 + 0.8 * value C).

    The field is the Earth's (0.3 G across, 0.4 G down) for a board lying flat with its top edge
    towards World.heading (degrees clockwise from magnetic north): heading = degrees(atan2(-x, -y)) % 360.
    """

    address = 0x30
    across_gauss = 0.3
    down_gauss = 0.4

    def __init__(self, world: World) -> None:
        super().__init__()
        self._world = world
        self.regs[0x2F] = 0x30

    def write_register(self, reg: int, value: int) -> None:
        if reg == 0x08:
            self.regs[0x08] &= ~value & 0xFF  # status bits clear by writing 1
            return
        if reg == 0x09:
            if value & 1:
                self._measure()
            if value & 2:
                temp = self._world.temperature
                self.regs[0x07] = max(0, min(255, round((temp + 75) / 0.8)))
                self.regs[0x08] |= 2
            return
        self.regs[reg] = value

    def field(self) -> tuple[float, float, float]:
        """The field along x, y, z now, in gauss."""
        h = math.radians(self._world.heading)
        return (-self.across_gauss * math.sin(h), -self.across_gauss * math.cos(h), self.down_gauss)

    def _measure(self) -> None:
        low = 0
        for i, gauss in enumerate(self.field()):
            counts = max(0, min(0x3FFFF, round(gauss * 16384) + 131072))
            self.regs[2 * i] = counts >> 10
            self.regs[2 * i + 1] = counts >> 2 & 0xFF
            low |= (counts & 3) << (6 - 2 * i)
        self.regs[0x06] = low
        self.regs[0x08] |= 1


CHIPS: dict[str, Any] = {"SSD1106": SSD1106, "MSA300": MSA300, "MMC5983MA": MMC5983MA}


def onboard_chip(world: World, names: tuple[str, ...]) -> I2CChip:
    """A fake of the first chip in `names` the sim models; a chip that only acknowledges (so an
    I2C scan finds it) when it models none of them."""
    for name in names:
        if name in CHIPS:
            return CHIPS[name](world)
    return RegisterChip()
