"""What the add-on classes (parts wired to pins) share: pin checks and waiting on a reading."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..errors import DeviceError, KitTimeout

if TYPE_CHECKING:
    from ..board import Board

T = TypeVar("T")
POLL_S = 0.05  # how often a wait_for_* on a sensor without events reads it again


def need_pin(board: Board, label: int, cap: str, what: str) -> int:
    """`label` if that pin can do `cap` ("in", "out", "analog", "pwm"); else ValueError naming the
    pins that can (TypeError/ValueError for a label the board does not have)."""
    board.pin(label)._need(cap, what)
    return label


def pin_word(board: Board, label: int, cap: str, what: str) -> str:
    return str(need_pin(board, label, cap, what))


def has_driver(board: Board, verb: str) -> bool:
    """Whether a board of this kind, as the kit sets it up, has the firmware driver kb_d_<verb>.py."""
    drivers = getattr(board.spec, "kit_drivers", None)
    return drivers is None or verb in drivers


def need_driver(board: Board, verb: str, what: str) -> None:
    """DeviceError when this kind of board carries no `verb` driver (a micro:bit v1: no heap for it)."""
    if not has_driver(board, verb):
        raise DeviceError(f"the {board.spec.name} has no room for the '{verb}' driver, so it cannot {what}; "
                          "use a micro:bit v2, an mPython board or an ESP32", "E_DEVICE")


def fraction(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{what} must be a number 0..1, not {value!r}")
    return float(value)


def timeout_for(exc: DeviceError, part: str) -> KitTimeout | DeviceError:
    """E_DEVICE from a sensor driver means the part did not answer: a timeout, naming the pin."""
    if exc.code == "E_DEVICE":
        return KitTimeout(f"the {part} did not answer ({exc})")
    return exc


def poll_until(board: Board, read: Callable[[], T], done: Callable[[T], bool],
               timeout: float | None, what: str) -> T:
    """Read every POLL_S until done(reading); KitTimeout naming `what` after `timeout` seconds."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        board.check()
        if deadline is not None and time.monotonic() >= deadline:
            raise KitTimeout(f"{what} within {timeout:g} s (last reading {value})")
        time.sleep(POLL_S if deadline is None else max(0.0, min(POLL_S, deadline - time.monotonic())))
