"""Relay: an add-on switch for a lamp, a pump or a fan on its own power."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from .addon import pin_word
from .base import Device
from .registry import export

if TYPE_CHECKING:
    from ..board import Board

log = logging.getLogger(__name__)


@export
class Relay(Device):
    """A relay module: the board switches another circuit (a pump, a lamp, a fan) on and off.

    Wiring: the module's IN (or S) to the pin, VCC to 5V (or 3V3 if it says so), GND to GND;
    the pump's own battery goes through COM and NO (normally open). Never switch mains power
    in class. Most modules close on a high input; for a "low level trigger" one give
    active_high=False: the board then leaves that pin high, the relay open, whenever it makes
    its outputs safe (the deadman, reset, Ctrl-C), where other outputs go low.

        pump = Relay(board, 8)
        pump.on()
        pump.off()
    """

    def __init__(self, board: Board, pin: int, *, active_high: bool = True) -> None:
        self._pin = pin_word(board, pin, "out", "drive a relay")
        super().__init__(board, f"relay on pin {pin}")
        self.active_high = bool(active_high)
        self._closed = False
        if self.active_high:
            self._write(False)  # a relay module is open until told otherwise
        else:
            self._rest_high(board, pin)

    def on(self) -> None:
        """Close the contacts: the switched circuit runs."""
        self._write(True)

    def off(self) -> None:
        self._write(False)

    def toggle(self) -> None:
        self._write(not self._closed)

    @property
    def is_active(self) -> bool:
        """True while the contacts are closed."""
        return self._closed

    @property
    def value(self) -> int:
        return int(self._closed)

    @value.setter
    def value(self, value: int | bool) -> None:
        if value not in (0, 1, True, False):
            raise ValueError(f"relay value must be 0 or 1, not {value!r}")
        self._write(bool(value))

    def _rest_high(self, board: Board, pin: int) -> None:
        drivers = board.spec.kit_drivers
        if drivers is not None and "rest" not in drivers:
            log.warning("the %s has no room for the 'rest' driver: if the host goes silent, the board's deadman "
                        "drives pin %s low, which closes this low-level-trigger relay", board.spec.name, pin)
            self._write(False)
            return
        self._ask("rest", self._pin, 1)  # high now, and high whenever the outputs are made safe

    def _write(self, closed: bool) -> None:
        self._ask("pin", self._pin, "write", int(closed == self.active_high))
        self._closed = closed
