"""SimBoard: the real firmware files running under CPython as one simulated board, on a pty.

    with SimBoard("microbit-v2") as sim:        # or SimBoard("mpython", baud=0) for an unpaced line
        ser = serial.Serial(sim.port, 115200, timeout=1)
        ser.write(b"hello\\r"); print(ser.readline())
        sim.world.press("a")                    # the firmware sends "@!... button a down"

The firmware runs in a daemon thread, from main.py as after a reset, over fake MicroPython modules
bound to this board's World and serial line. When it stops (Ctrl-C on the line, or an exception
escaping main.py) the board prints the traceback and sits at a REPL, as a real one does.

Pulling the cable two ways: stop()/restart() switch the board off and on (a USB-powered board);
unplug()/replug() take only the host's port away while the firmware runs on (a board on a
battery pack, a USB hub that browns out), so its deadman notices the silent host.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from .. import resources
from ..boards import load_board
from ..deploy.files import board_module
from ..errors import KitError
from . import fakes
from .faults import FaultPlan, Faults
from .fakes import flash
from .loader import Firmware
from .repl import Repl, board_traceback
from .runtime import TICKS_PERIOD, Clock, HardReset, Runtime, Stopped
from .serial_line import BoardLine
from .world import World

logger = logging.getLogger(__name__)

UART_RX_BUFFER = {"microbit": 64, "esp32": 256}  # bytes the board's UART holds before it drops
_ESP32_ROM_BANNER = ("ets Jun  8 2016 00:22:57\n\nrst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\n"
                     "configsip: 0, SPIWP:0xee\nmode:DIO, clock div:2\nentry 0x400805e4\n")
_serial_numbers = itertools.count(1)
_plugged: weakref.WeakSet[SimBoard] = weakref.WeakSet()  # running boards whose port the host can open


def plugged_ports() -> list[str]:
    """The pty paths of this process's simulated boards that are on and plugged in, as the OS lists
    serial ports (a Board that lost its port looks here too, to find its board under a new name)."""
    return sorted(b.port for b in list(_plugged) if b.port is not None and b.alive and b.plugged)


class SimBoard:
    """One simulated board of kind `kind` (see boards/), its serial line paced at `baud` (0: unpaced).

    After start(): `.port` is the pty path to open with pyserial (None where there are no ptys;
    then use `.serial_object`), `.world` its surroundings, `.state` one of "off", "running",
    "repl", "stopped". `pty=False` forces the in-process line; `ticks_start` sets the board's
    ticks_ms() at reset (to test wrap-around).
    """

    def __init__(self, kind: str = "mpython", baud: int = 115200, *, pty: bool | None = None,
                 ticks_start: int = 0, firmware_dir: str | Path | None = None) -> None:
        if isinstance(baud, bool) or not isinstance(baud, int) or baud < 0:
            raise ValueError(f"baud must be a whole number of bits per second, or 0 for unpaced, not {baud!r}")
        if isinstance(ticks_start, bool) or not isinstance(ticks_start, int) or not 0 <= ticks_start < TICKS_PERIOD:
            raise ValueError(f"ticks_start must be a whole number 0..{TICKS_PERIOD - 1}, not {ticks_start!r}")
        self.spec = load_board(kind)
        self.kind = kind
        self.baud = baud
        self.world = World(self.spec)
        self.firmware: Firmware | None = None  # the modules of the current boot
        self.firmware_error: BaseException | None = None  # the last exception that stopped the firmware
        self.files: dict[str, bytes] = {}  # the board's flash files (kb_model.txt): they outlive resets
        self.boots = 0
        self._use_pty = pty
        self._ticks_start = ticks_start
        self._firmware_dir = Path(firmware_dir) if firmware_dir is not None else resources.firmware_dir()
        # A simulated board is one the kit set up: its image's built-in drivers (a micro:bit v1's) are there.
        self._board_text = board_module(dataclasses.replace(self.spec, drivers=self.spec.kit_drivers),
                                        folder=self._firmware_dir)
        self._uid = _make_uid(self.spec.family, kind)
        self._state = "off"
        self._state_cv = threading.Condition()
        self._line: BoardLine | None = None
        self._fault_plan: FaultPlan | None = None
        self._rt: Runtime | None = None
        self._thread: threading.Thread | None = None

    # ---- what the host and tests use -----------------------------------------------------

    @property
    def port(self) -> str | None:
        """The pty path the host opens, like /dev/ttyUSB0 (None before start() or without ptys)."""
        return self._line.port if self._line else None

    @property
    def serial_object(self) -> Any:
        """The host's end as a pyserial-like object, where there are no ptys (else None)."""
        return self._line.serial_object if self._line else None

    @property
    def line(self) -> BoardLine | None:
        """The board's end of the serial line (receive buffer, drop count)."""
        return self._line

    @property
    def dropped(self) -> int:
        """Bytes the board's UART dropped because its receive buffer was full."""
        return self._line.dropped if self._line else 0

    @property
    def faults(self) -> Faults | None:
        """The line faults at work (their .plan and .counts), or None on a clean line.

        Set a FaultPlan (or None) at any time; it stays across reset() and restart()."""
        return self._line.faults if self._line else None

    @faults.setter
    def faults(self, plan: FaultPlan | None) -> None:
        if plan is not None and not isinstance(plan, FaultPlan):
            raise TypeError(f"faults takes a FaultPlan or None, not {plan!r}")
        self._fault_plan = plan
        if self._line is not None:
            self._line.inject(plan)

    @property
    def plugged(self) -> bool:
        """True while the host can open the board's port (on, and not unplug()ged)."""
        return self._line is not None and self._line.plugged and self._state != "stopped"

    def unplug(self) -> None:
        """Pull the USB cable of a board that stays powered: the host's port vanishes (reads on it
        fail) while the firmware runs on and hears nobody, so its deadman, if set, stops the outputs."""
        if self._line is None or not self.alive:
            raise KitError(f"the simulated {self.kind} is not running; start() it first")
        _plugged.discard(self)
        self._line.unplug()
        self.world.record("usb", "unplugged")

    def replug(self, new_path: bool = False) -> SimBoard:
        """Plug the cable back in: a new port appears (on a pty the OS picks its path, often the
        old one; `new_path=True` makes sure it differs, as a re-enumerated /dev/ttyUSB1 does)."""
        if self._line is None or not self.alive:
            raise KitError(f"the simulated {self.kind} is not running; start() it first")
        self._line.replug(new_path)
        _plugged.add(self)
        self.world.record("usb", "plugged")
        logger.info("simulated %s plugged in again on %s", self.kind, self.port or "an in-process line")
        return self

    def reset(self) -> None:
        """Press the reset button: the chip restarts from power-on (outputs off, main.py again, `boot`)."""
        rt = self._rt
        if rt is None or not self.alive:
            raise KitError(f"the simulated {self.kind} is not running; start() it first")
        rt.reset_pressed.set()
        rt.line.wake()

    def restart(self, settle: float = 0.05) -> SimBoard:
        """Switch the board off (if on) and on again, as unplugging and replugging its USB cable does.

        The line is new: on a pty its path may differ. The world, and a fault plan, stay."""
        self.stop()
        self._thread = self._rt = self._line = None
        self._set_state("off")
        return self.start(settle)

    @property
    def state(self) -> str:
        return self._state

    @property
    def alive(self) -> bool:
        """True while the board's firmware thread runs (firmware or REPL)."""
        return self._thread is not None and self._thread.is_alive()

    def wait_serving(self, settle: float = 0.05, timeout: float = 5.0) -> bool:
        """Wait until the firmware has been reading its line for `settle` seconds (its main loop runs,
        and has had time to take the buttons' resting state); False if `timeout` passes first."""
        return self.world.wait_for(lambda: self._serving(settle), timeout)

    def _serving(self, settle: float) -> bool:
        since = self._rt.serving_since if self._rt else None
        return self._state == "running" and since is not None and time.monotonic() - since >= settle

    def ticks_ms(self) -> int:
        """The board's time.ticks_ms() now (milliseconds since its last reset, wrapping at 2**30)."""
        return self._rt.clock.ticks_ms() if self._rt else 0

    def uptime_ms(self) -> int:
        """Milliseconds since the board's last reset (not wrapping)."""
        return self._rt.clock.ms() if self._rt else 0

    def wait_state(self, state: str, timeout: float = 2.0) -> bool:
        """Wait until the board is in `state`; False if `timeout` seconds pass first."""
        with self._state_cv:
            return self._state_cv.wait_for(lambda: self._state == state, timeout)

    def start(self, settle: float = 0.05) -> SimBoard:
        """Switch the board on: open its line, run the firmware, and return the board once the firmware
        has served its line for `settle` seconds (as a board plugged in a moment ago has), or has stopped."""
        if self._state == "stopped":
            raise KitError(f"this simulated {self.kind} was stopped; make a new SimBoard")
        if self._thread is not None:
            return self
        try:
            self._line = BoardLine(UART_RX_BUFFER[self.spec.family], self.baud, use_pty=self._use_pty,
                                   name=f"sim:{self.kind}")
        except OSError as exc:
            raise KitError(f"could not open a pseudo-terminal for the simulated {self.kind} ({exc}); "
                           "close other simulated boards, or use SimBoard(..., pty=False)") from exc
        if self._fault_plan is not None:
            self._line.inject(self._fault_plan)
        self._rt = Runtime(self.spec, self.world, self._line, Clock(self._ticks_start), self._uid)
        self._thread = threading.Thread(target=self._run, args=(self._rt,), name=f"sim {self.kind} firmware",
                                        daemon=True)
        self._thread.start()
        _plugged.add(self)
        logger.info("simulated %s started on %s", self.kind, self.port or "an in-process line")
        if settle > 0 and not self.world.wait_for(
                lambda: self._serving(settle) or self._state in ("repl", "stopped"), timeout=10):
            logger.warning("simulated %s: the firmware is not serving its line after 10 s", self.kind)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Switch the board off: the firmware leaves its outputs safe, the line closes. Idempotent."""
        rt, thread = self._rt, self._thread
        if rt is None or thread is None:
            self._set_state("stopped")
            return
        if rt.stopping.is_set():
            return
        _plugged.discard(self)
        rt.stopping.set()
        rt.line.mute()
        rt.line.wake()
        thread.join(timeout)
        alive = thread.is_alive()
        if alive:
            logger.warning("simulated %s: the firmware did not stop within %.1f s (busy loop?)", self.kind, timeout)
        rt.line.close(release=not alive)
        self._set_state("stopped")

    def __enter__(self) -> SimBoard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<SimBoard {self.kind} {self._state} on {self.port}>"

    # ---- the board's own thread -------------------------------------------------------------

    def _run(self, rt: Runtime) -> None:
        try:
            while not rt.stopping.is_set():
                try:
                    self._boot(rt)
                    error = None
                except (Stopped, HardReset, SystemExit) as exc:
                    self._restart(rt, exc)
                    continue
                except BaseException as exc:  # anything the board would print as a traceback
                    error = exc
                if error is not None:
                    self._report(rt, error)
                self._set_state("repl")
                try:
                    Repl(rt).run()
                except (Stopped, HardReset, SystemExit) as exc:
                    self._restart(rt, exc)
                    continue
                rt.console("MPY: soft reboot\n")
        except Stopped:
            pass
        except BaseException:  # the simulator itself broke; never let it pass silently
            logger.exception("simulated %s: the simulator failed", self.kind)
        finally:
            self._set_state("stopped")

    def _boot(self, rt: Runtime) -> None:
        self.boots += 1
        rt.line.interrupt_char = 3
        rt.heap_used = 0
        rt.serving_since = None
        modules = fakes.build(rt)
        modules["os"] = modules["uos"] = flash.make_os(self.files)

        def print_(*args: object, sep: str = " ", end: str = "\n", file: Any = None, flush: bool = False) -> None:
            """The firmware's print(): onto the serial line, as on the board."""
            text = sep.join(str(a) for a in args) + end
            if file is not None:
                file.write(text)
            else:
                rt.console(text)

        built_in = {"__main__" if n == "main.py" else n[:-3] for n in self.spec.frozen}

        def loaded(name: str, size: int) -> None:
            # a module built into the board's image costs its objects, not its compiled code: 4-35 %
            # of its source's size, measured on the micro:bit v1 (docs/microbit-v1-memory.md)
            rt.heap_used += size // 8 if name in built_in else size

        self.firmware = Firmware(self._firmware_dir, self._board_text, modules, print_, loaded,
                                 drivers=self.spec.kit_drivers)
        modules["sys"].modules = self.firmware.modules
        self.firmware.builtins["open"] = flash.make_open(self.files)
        self._set_state("running")
        self.firmware.run_main()

    def _restart(self, rt: Runtime, exc: BaseException) -> None:
        """After Stopped (re-raised), a hard reset, or a soft reboot."""
        if isinstance(exc, Stopped):
            raise exc
        if isinstance(exc, HardReset):
            self.world.record("board", "reset")
            rt.chip.hard_reset()
            rt.line.clear()
            rt.clock.restart()
            if rt.family == "esp32":
                rt.console(_ESP32_ROM_BANNER)
        else:
            rt.console("MPY: soft reboot\n")

    def _report(self, rt: Runtime, exc: BaseException) -> None:
        self.firmware_error = exc
        text = board_traceback(exc)
        if isinstance(exc, KeyboardInterrupt):
            logger.info("simulated %s: firmware interrupted (Ctrl-C)", self.kind)
        else:
            logger.warning("simulated %s: the firmware stopped:\n%s", self.kind, text.rstrip())
        rt.console(text)

    def _set_state(self, state: str) -> None:
        with self._state_cv:
            if self._state != state:
                self._state = state
                self.world.record("board", state)
                self._state_cv.notify_all()


def _make_uid(family: str, kind: str) -> bytes:
    """A board's unique id: 6 bytes (ESP32 MAC) or 8 (micro:bit), different for every SimBoard, also
    between programs running at once (a Board finds its board again by uid among all the ports)."""
    digest = hashlib.sha256(f"{kind}:{os.getpid()}:{next(_serial_numbers)}".encode()).digest()
    return digest[:8] if family == "microbit" else b"\x24\x0a\xc4" + digest[:3]
