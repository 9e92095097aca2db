"""What the fake MicroPython modules of one simulated board share: its line, world, clock and chip.

The fakes' input and waiting calls (uart.read, sleep, poll, stdin reads) go through
Runtime.check(), which is where a stopping board and a Ctrl-C on the line reach the firmware.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..boards import BoardSpec
from .serial_line import BoardLine
from .world import World

logger = logging.getLogger(__name__)

TICKS_PERIOD = 1 << 30  # MicroPython's ticks_ms() wraps here on 32-bit ports


class Stopped(BaseException):
    """The simulated board is being switched off: unwinds the firmware past its `except Exception`."""


class HardReset(BaseException):
    """machine.reset() / microbit.reset(): the chip restarts from power-on."""


class Clock:
    """The board's millisecond ticks since its last reset, wrapping like MicroPython's."""

    def __init__(self, start_ms: int = 0) -> None:
        self._start_ms = start_ms
        self._t0 = time.monotonic()

    def restart(self) -> None:
        self._t0 = time.monotonic()

    def ms(self) -> int:
        """Milliseconds since reset, not wrapped (microbit.running_time())."""
        return int((time.monotonic() - self._t0) * 1000)

    def ticks_ms(self) -> int:
        return (self._start_ms + self.ms()) % TICKS_PERIOD

    def ticks_us(self) -> int:
        return (self._start_ms * 1000 + int((time.monotonic() - self._t0) * 1e6)) % TICKS_PERIOD


class Chip:
    """The microcontroller's pin state (modes, pulls, outputs); cleared by a hard reset.

    Keys are the World's device names ("pin 3", "gpio 17"), so the log needs no translation.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.lock = threading.RLock()
        self.mode: dict[str, str] = {}  # "in", "out", "pwm"
        self.pull: dict[str, str] = {}  # "none", "up", "down"
        self.level: dict[str, int] = {}  # driven output level
        self.pwm: dict[str, tuple[int, int]] = {}  # (duty 0..1023, Hz)
        self.latch: dict[str, int] = {}  # output register, driven once the pin becomes an output

    def drive(self, name: str, level: int) -> None:
        with self.lock:
            self._stop_pwm(name)
            self.mode[name] = "out"
            self.level[name] = self.latch[name] = 1 if level else 0
            self.world.record(name, self.level[name])

    def set_pwm(self, name: str, duty: int, hz: int) -> None:
        with self.lock:
            self.mode[name] = "pwm"
            self.level.pop(name, None)
            self.pwm[name] = (duty, hz)
            self.world.record(name + " pwm", (duty, hz))

    def release(self, name: str) -> None:
        """The pin stops driving (made an input): whatever it lit goes dark."""
        with self.lock:
            self._stop_pwm(name)
            self.mode[name] = "in"
            if self.level.pop(name, 0):
                self.world.record(name, 0)

    def stop_pwm(self, name: str) -> None:
        """PWM off; the pin is left an undriven input."""
        with self.lock:
            self._stop_pwm(name)
            self.mode[name] = "in"

    def _stop_pwm(self, name: str) -> None:
        if self.pwm.pop(name, None) is not None:
            self.world.record(name + " pwm", None)

    def hard_reset(self) -> None:
        """Every pin back to an undriven input; outputs it drove go dark in the log."""
        with self.lock:
            for name in list(self.pwm):
                self._stop_pwm(name)
            for name, level in self.level.items():
                if level:
                    self.world.record(name, 0)
            self.mode.clear()
            self.pull.clear()
            self.level.clear()
            self.latch.clear()


class Runtime:
    """One board's shared state for its fakes; the board thread owns it."""

    def __init__(self, spec: BoardSpec, world: World, line: BoardLine, clock: Clock, uid: bytes) -> None:
        self.spec = spec
        self.family = spec.family
        self.world = world
        self.line = line
        self.clock = clock
        self.uid = uid
        self.chip = Chip(world)
        self.stopping = threading.Event()
        self.heap_used = 0  # bytes of firmware source loaded since boot: what it costs on the board
        self.serving_since: float | None = None  # when the firmware first looked at its line since boot
        self.reset_pressed = threading.Event()  # SimBoard.reset(): the reset button, seen at the next check()

    def check(self) -> None:
        """Raise Stopped when the board is switched off, KeyboardInterrupt after a Ctrl-C."""
        if self.serving_since is None:
            self.serving_since = time.monotonic()
        if self.stopping.is_set():
            raise Stopped()
        if self.reset_pressed.is_set():
            self.reset_pressed.clear()
            raise HardReset()
        if self.line.take_interrupt():
            raise KeyboardInterrupt()

    def sleep(self, seconds: float) -> None:
        """Sleep like the board: Ctrl-C and switching off cut it short."""
        self.check()
        if seconds > 0:
            self.line.wait(seconds, for_input=False, stop=self.stopping)
        self.check()

    def wait_input(self, seconds: float | None) -> bool:
        """Wait up to `seconds` (None = for ever) for input; True if some is there."""
        self.check()
        if not self.line.any() and (seconds is None or seconds > 0):
            self.line.wait(seconds, for_input=True, stop=self.stopping)
            self.check()
        return self.line.any() > 0

    def console(self, text: Any) -> None:
        """Text the board prints outside the protocol (print(), tracebacks): \\n becomes \\r\\n."""
        self.line.write(str(text).replace("\n", "\r\n").encode("utf-8"))
