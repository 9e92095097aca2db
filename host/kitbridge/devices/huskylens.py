"""HuskyLens, DFRobot's AI camera: choose what it looks for, read what it sees (the `husky` verb)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

from ..errors import DeviceError, KitTimeout
from .addon import need_pin, timeout_for
from .base import Device
from .i2c import bus_pins
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

ALGORITHMS = ("face recognition", "object tracking", "object recognition", "line tracking",
              "color recognition", "tag recognition", "object classification")
READS = ("all", "blocks", "arrows", "learned")
POLL_S = 0.05  # how often wait_for() asks the camera again


class Block(NamedTuple):
    """A box around something the camera sees: centre (x, y) and size in pixels of its 320×240
    picture, and the id it learned the thing as (0: seen, not learned)."""

    x: int
    y: int
    width: int
    height: int
    id: int

    @property
    def learned(self) -> bool:
        return self.id > 0


class Arrow(NamedTuple):
    """A line the camera follows (line tracking): from (x, y) to (x_target, y_target)."""

    x: int
    y: int
    x_target: int
    y_target: int
    id: int

    @property
    def learned(self) -> bool:
        return self.id > 0


class Sight(NamedTuple):
    """One look: the blocks and arrows in view, how many ids the camera has learned, its frame number."""

    blocks: list[Block]
    arrows: list[Arrow]
    learned_ids: int
    frame: int


@export
class HuskyLens(Device):
    """The HuskyLens AI camera, on I2C (the default) or on a serial port (UART, ESP32 boards).

    Wiring for I2C: set the camera's Settings > Protocol Type to I2C; its 4-pin cable: T (green)
    to SDA, R (blue) to SCL, - to GND, + to 3V3 or 5V (pins 20 and 19 on the mPython board and
    the micro:bit: leave scl and sda out). For UART: Protocol Type UART, 9600 baud; T to the
    board's rx pin, R to its tx pin: HuskyLens(board, tx=16, rx=15).

        cam = HuskyLens(board)
        cam.algorithm = "face recognition"
        blocks = cam.blocks()               # [Block(x=160, y=120, width=40, height=40, id=1)]
    """

    def __init__(self, board: Board, *, scl: int | None = None, sda: int | None = None,
                 tx: int | None = None, rx: int | None = None) -> None:
        if tx is not None or rx is not None:
            if scl is not None or sda is not None:
                raise ValueError("a HuskyLens is on I2C (scl, sda) or on UART (tx, rx), not both")
            if tx is None or rx is None or tx == rx:
                raise ValueError("give both tx= and rx=, two different pin labels (camera R to tx, T to rx)")
            if board.spec.family != "esp32":
                raise ValueError(f"the {board.spec.name}'s serial port is its USB line: wire the HuskyLens "
                                 "on I2C instead (leave tx and rx out)")
            need_pin(board, tx, "out", "send to the camera (tx)")
            need_pin(board, rx, "in", "hear the camera (rx)")
            self._link: tuple[object, ...] = ("uart", tx, rx)
            where = f"UART tx pin {tx}, rx pin {rx}"
        else:
            scl, sda = bus_pins(board, scl, sda)
            self._link = ("i2c", scl, sda)
            where = f"I2C SCL pin {scl}, SDA pin {sda}"
        super().__init__(board, f"HuskyLens on {where}")
        self._algorithm: str | None = None
        self.knock()

    def _cam(self, *args: object) -> str:
        try:
            return self._ask("husky", *self._link, *args)
        except DeviceError as exc:
            raise timeout_for(exc, "HuskyLens") from None

    def knock(self) -> None:
        """Check the camera answers (KitTimeout or DeviceError naming the pins if not)."""
        self._cam("knock")

    @property
    def algorithm(self) -> str | None:
        """What the camera looks for, one of ALGORITHMS (None until set from here)."""
        return self._algorithm

    @algorithm.setter
    def algorithm(self, name: str) -> None:
        key = str(name).replace("_", " ").lower()
        if key not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of: {', '.join(ALGORITHMS)}; not {name!r}")
        self._cam("algo", ALGORITHMS.index(key))
        self._algorithm = key

    def look(self, what: str = "all", id: int | None = None) -> Sight:
        """What the camera sees now: `what` is all, blocks, arrows or learned; or give an id."""
        if id is not None:
            if isinstance(id, bool) or not isinstance(id, int) or not 1 <= id <= 255:
                raise ValueError(f"id must be a whole number 1..255, not {id!r}")
            words = self._cam("read", "id", id).split()
        elif what in READS:
            words = self._cam("read", what).split()
        else:
            raise ValueError(f"what must be one of: {', '.join(READS)}; not {what!r}")
        blocks: list[Block] = []
        arrows: list[Arrow] = []
        for word in words[2:]:
            kind, *nums = word.split(",")
            if kind == "b":
                blocks.append(Block(*map(int, nums)))
            else:
                arrows.append(Arrow(*map(int, nums)))
        return Sight(blocks, arrows, int(words[0]), int(words[1]))

    def blocks(self, id: int | None = None) -> list[Block]:
        """The boxes around what the camera sees (only those learned as `id`, if given)."""
        return self.look("blocks" if id is None else "all", id).blocks

    def arrows(self, id: int | None = None) -> list[Arrow]:
        """The lines it follows (line tracking), only those learned as `id` if given."""
        return self.look("arrows" if id is None else "all", id).arrows

    @property
    def learned_ids(self) -> int:
        """How many ids the camera has learned for the current algorithm."""
        return self.look("learned").learned_ids

    def learn(self, id: int) -> None:
        """Learn what is in the middle of the picture as `id` (1..255), as its learn button does."""
        if isinstance(id, bool) or not isinstance(id, int) or not 1 <= id <= 255:
            raise ValueError(f"id must be a whole number 1..255, not {id!r}")
        self._cam("learn", id)

    def forget(self) -> None:
        """Forget everything learned for the current algorithm."""
        self._cam("forget")

    def wait_for(self, id: int | None = None, timeout: float | None = None) -> Block:
        """The first block seen (learned as `id`, if given); KitTimeout after `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            found = self.blocks(id)
            if found:
                return found[0]
            self.board.check()
            if deadline is not None and time.monotonic() >= deadline:
                thing = "anything" if id is None else f"id {id}"
                raise KitTimeout(f"the HuskyLens did not see {thing} within {timeout:g} s")
            time.sleep(POLL_S if deadline is None else max(0.0, min(POLL_S, deadline - time.monotonic())))
