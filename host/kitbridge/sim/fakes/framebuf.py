"""Fake `framebuf` (ESP32 MicroPython's frame buffers): MONO_VLSB, MONO_HLSB and MONO_HMSB.

Drawing is as MicroPython's: pixels outside the buffer are clipped, text() draws 8x8 cells and
sets only the glyph's lit pixels. The sim's font is not MicroPython's: each printable character
is a distinct 7-column barcode in a box (bits of its code), so that chip fakes can read the text
back from the pixels they were sent (text_of_cell), and so tests can check what an OLED shows.
"""

from __future__ import annotations

import types
from typing import Any

MONO_VLSB, RGB565, GS4_HMSB, MONO_HLSB, MONO_HMSB, GS2_HMSB, GS8 = 0, 1, 2, 3, 4, 5, 6
MONO_VLSB_FORMATS = (MONO_VLSB, MONO_HLSB, MONO_HMSB)


def glyph(ch: str) -> bytes:
    """The 8 columns (bit 0 = top row) of a character in the sim's font."""
    code = ord(ch) if len(ch) == 1 else 127
    if not 32 <= code <= 127:
        code = 127
    if code == 32:
        return bytes(8)
    n = code - 32
    return bytes([0] + [0x7E if n >> k & 1 else 0x42 for k in range(7)])


_BY_GLYPH = {glyph(chr(c)): chr(c) for c in range(33, 127)}


def text_of_cell(columns: bytes) -> str:
    """The character an 8x8 cell shows: ' ' when empty, '\u00b7' when it is no glyph of the font."""
    if not any(columns):
        return " "
    return _BY_GLYPH.get(bytes(columns), "\u00b7")


class FrameBuffer:
    def __init__(self, buffer: Any, width: int, height: int, format: int, stride: int | None = None) -> None:
        if format not in MONO_VLSB_FORMATS:
            raise ValueError("the sim's framebuf draws only MONO_VLSB, MONO_HLSB and MONO_HMSB")
        self.buf = buffer
        self.width, self.height, self.format = width, height, format
        self.stride = width if stride is None else stride
        need = (height + 7) // 8 * self.stride if format == MONO_VLSB else (self.stride + 7) // 8 * height
        if len(buffer) < need:
            raise ValueError("buffer too small")

    def _where(self, x: int, y: int) -> tuple[int, int]:
        if self.format == MONO_VLSB:
            return (y >> 3) * self.stride + x, y & 7
        index = (y * self.stride + x) >> 3
        return index, (7 - (x & 7)) if self.format == MONO_HLSB else (x & 7)

    def pixel(self, x: int, y: int, c: int | None = None) -> int | None:
        if not (0 <= x < self.width and 0 <= y < self.height):
            return None
        index, bit = self._where(x, y)
        if c is None:
            return self.buf[index] >> bit & 1
        if c:
            self.buf[index] |= 1 << bit
        else:
            self.buf[index] &= ~(1 << bit) & 0xFF
        return None

    def fill(self, c: int) -> None:
        self.fill_rect(0, 0, self.width, self.height, c)

    def fill_rect(self, x: int, y: int, w: int, h: int, c: int) -> None:
        for yy in range(max(0, y), min(self.height, y + h)):
            for xx in range(max(0, x), min(self.width, x + w)):
                self.pixel(xx, yy, c)

    def hline(self, x: int, y: int, w: int, c: int) -> None:
        self.fill_rect(x, y, w, 1, c)

    def vline(self, x: int, y: int, h: int, c: int) -> None:
        self.fill_rect(x, y, 1, h, c)

    def rect(self, x: int, y: int, w: int, h: int, c: int, f: bool = False) -> None:
        if f:
            self.fill_rect(x, y, w, h, c)
            return
        self.hline(x, y, w, c)
        self.hline(x, y + h - 1, w, c)
        self.vline(x, y, h, c)
        self.vline(x + w - 1, y, h, c)

    def line(self, x1: int, y1: int, x2: int, y2: int, c: int) -> None:
        dx, dy = abs(x2 - x1), -abs(y2 - y1)
        sx, sy = (1 if x1 < x2 else -1), (1 if y1 < y2 else -1)
        err = dx + dy
        while True:
            self.pixel(x1, y1, c)
            if x1 == x2 and y1 == y2:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x1 += sx
            if e2 <= dx:
                err += dx
                y1 += sy

    def text(self, s: str, x: int, y: int, c: int = 1) -> None:
        for i, ch in enumerate(str(s)):
            for col, bits in enumerate(glyph(ch)):
                for row in range(8):
                    if bits >> row & 1:
                        self.pixel(x + i * 8 + col, y + row, c)

    def scroll(self, dx: int, dy: int) -> None:
        old = [[self.pixel(x, y) for x in range(self.width)] for y in range(self.height)]
        for y in range(self.height):
            for x in range(self.width):
                sx, sy = x - dx, y - dy
                if 0 <= sx < self.width and 0 <= sy < self.height:
                    self.pixel(x, y, old[sy][sx])


def make_framebuf() -> types.ModuleType:
    from . import module

    return module("framebuf", FrameBuffer=FrameBuffer, MONO_VLSB=MONO_VLSB, MONO_HLSB=MONO_HLSB,
                  MONO_HMSB=MONO_HMSB, RGB565=RGB565, GS2_HMSB=GS2_HMSB, GS4_HMSB=GS4_HMSB, GS8=GS8)
