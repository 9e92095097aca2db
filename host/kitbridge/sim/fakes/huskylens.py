"""Fake HuskyLens AI camera (DFRobot): its binary protocol over I2C (0x32) or UART (9600 8N1),
reporting what the World's scene holds (sim/scene.py).

Frames both ways: 55 AA 11 LEN CMD DATA.. SUM (SUM = low byte of the sum of all before it).
Commands: 0x20..0x28 request (all / blocks / arrows; learned only; by id) -> 0x29 info (count,
learned ids, frame number) then 0x2A blocks (x, y, w, h, id) or 0x2B arrows (x, y, x2, y2, id),
int16 little-endian; 0x2C knock, 0x2D algorithm (0 face .. 6 classification), 0x36 learn ID,
0x37 forget -> 0x2E ok. A frame with a bad sum is ignored, as is anything heard at a wrong baud.

Algorithms see kinds of things: face recognition faces; object tracking, recognition and
classification objects; line tracking lines (as arrows); color recognition color patches; tag
recognition tags. Learning gives the thing nearest the centre of the picture an id, remembered
per algorithm by the thing's name: every thing of that name then reports that id (else 0).

    cam = world.buses.i2c().attach(HuskyLensCam(world))   # or world.buses.serial(tx, rx).attach(...)
    world.scene.place("face", "alice", x=100, y=120)
    cam.teach("alice", 1)                                  # as if learned with the camera's button
"""

from __future__ import annotations

import struct
import threading
from typing import TYPE_CHECKING

from .i2c import I2CChip

if TYPE_CHECKING:
    from ..world import World

HEAD = b"\x55\xaa\x11"
ALGORITHMS = ("face recognition", "object tracking", "object recognition", "line tracking",
              "color recognition", "tag recognition", "object classification")
SEES = ("face", "object", "object", "line", "color", "tag", "object")
BAUD = 9600
MAX_RESULTS = 40  # the camera reports at most this many things per request (unsure: none reported more)


def frame(cmd: int, data: bytes = b"") -> bytes:
    body = HEAD + bytes([len(data), cmd]) + data
    return body + bytes([sum(body) & 0xFF])


class HuskyLensCam(I2CChip):
    address = 0x32
    baud = BAUD

    def __init__(self, world: World, algorithm: int = 0) -> None:
        self._world = world
        self.algorithm = algorithm
        self.learned: dict[tuple[int, str], int] = {}  # (algorithm, thing name) -> id
        self.frames = 0
        self._in = bytearray()
        self._out = bytearray()
        self._lock = threading.RLock()

    # ---- what tests use ---------------------------------------------------------------

    def teach(self, name: str, id: int, algorithm: int | None = None) -> None:
        """Remember things called `name` as learned id `id` (under the current algorithm)."""
        if isinstance(id, bool) or not isinstance(id, int) or not 1 <= id <= 255:
            raise ValueError(f"a learned id is 1..255, not {id!r}")
        self.learned[(self.algorithm if algorithm is None else algorithm, name)] = id

    def results(self) -> list[tuple[str, tuple[int, int, int, int, int]]]:
        """What the camera reports now: ("block" or "arrow", (five numbers)) per thing it sees."""
        out = []
        for t in self._world.scene.things(SEES[self.algorithm]):
            id_ = self.learned.get((self.algorithm, t.name), 0)
            if t.kind == "line":
                out.append(("arrow", (t.x, t.y, t.x2, t.y2, id_)))
            else:
                out.append(("block", (t.x, t.y, t.w, t.h, id_)))
        return out[:MAX_RESULTS]

    # ---- the two transports ----------------------------------------------------------

    def write(self, data: bytes) -> None:  # I2C write
        self._hear(data)

    def read(self, n: int) -> bytes:  # I2C read: what is waiting, then zeros
        with self._lock:
            out = bytes(self._out[:n])
            del self._out[:n]
        return out + bytes(n - len(out))

    def receive(self, data: bytes, baud: int) -> None:  # UART: the board's TX
        if baud == self.baud:
            self._hear(data)

    def take(self) -> bytes:  # UART: to the board's RX
        with self._lock:
            out = bytes(self._out)
            self._out.clear()
        return out

    # ---- the protocol -----------------------------------------------------------------

    def _hear(self, data: bytes) -> None:
        with self._lock:
            self._in += data
            while True:
                start = self._in.find(HEAD[:2])
                if start < 0:
                    del self._in[:-1]
                    return
                del self._in[:start]
                if len(self._in) < 5 or len(self._in) < 6 + self._in[3]:
                    return
                n = self._in[3]
                body, total = bytes(self._in[:5 + n]), self._in[5 + n]
                del self._in[:6 + n]
                if sum(body) & 0xFF == total and body[2] == 0x11:
                    self._command(body[4], body[5:])

    def _command(self, cmd: int, data: bytes) -> None:
        arg = struct.unpack("<H", data[:2])[0] if len(data) >= 2 else None
        if cmd == 0x2C:
            self._out += frame(0x2E)
        elif cmd == 0x2D and arg is not None and arg < len(ALGORITHMS):
            self.algorithm = arg
            self._out += frame(0x2E)
        elif cmd == 0x36 and arg:
            self._learn(arg)
            self._out += frame(0x2E)
        elif cmd == 0x37:
            self.learned = {k: v for k, v in self.learned.items() if k[0] != self.algorithm}
            self._out += frame(0x2E)
        elif 0x20 <= cmd <= 0x28:
            self._report(cmd, arg)

    def _learn(self, id_: int) -> None:
        things = self._world.scene.things(SEES[self.algorithm])
        if things:
            centre = min(things, key=lambda t: (t.x - 160) ** 2 + (t.y - 120) ** 2)
            self.learned[(self.algorithm, centre.name)] = id_

    def _report(self, cmd: int, arg: int | None) -> None:
        which = (cmd - 0x20) % 3  # 0 all, 1 blocks, 2 arrows
        picked = []
        for shape, nums in self.results():
            if (which == 1 and shape != "block") or (which == 2 and shape != "arrow"):
                continue
            if 0x23 <= cmd <= 0x25 and nums[4] == 0:
                continue
            if cmd >= 0x26 and nums[4] != arg:
                continue
            picked.append(frame(0x2A if shape == "block" else 0x2B, struct.pack("<5h", *nums)))
        self.frames = (self.frames + 1) & 0xFFFF
        ids = len({v for (a, _), v in self.learned.items() if a == self.algorithm})
        self._out += frame(0x29, struct.pack("<3H4x", len(picked), ids, self.frames))
        for f in picked:
            self._out += f
