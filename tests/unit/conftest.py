"""The board firmware under CPython for unit tests: its real files, a fake HAL, and a clean exit.

`fw` imports firmware/kb_agent.py (and the drivers it loads) against the kb_board.py that
deploy generates for a micro:bit v1, the smallest board (48-byte lines and window), and
removes every kb_* module and the sys.path entry afterwards.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kitbridge.boards import firmware_constants, load_board

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware"
BOARD_KIND = "microbit-v1"


def fake_hal(uid: str = "0123456789abcdef", heap: int = 9000, ms: int = 0, pin_read: int = 0,
             pin_analog: int = 0, led: int = 0, buttons: dict[str, bool] | None = None,
             fault: type[BaseException] | None = None) -> types.ModuleType:
    """A HAL module (the interface of firmware/kb_hal_*.py) that records instead of driving.

    hal.written: every write(), in order.  hal.calls: the device calls, as lists
    ["pin", n, op, v, hz], ["led", v] (v None = a read), ["safe"], ["reboot"]; button
    reads are not recorded (the agent polls them all the time).  hal.ms is the clock;
    hal.pressed the buttons; `fault` is an exception class that pin() raises.
    """
    hal = types.ModuleType("kb_hal_fake")
    hal.uid = uid
    hal.ms = ms
    hal.written = []
    hal.calls = []
    hal.pressed = dict(buttons or {})
    hal.lit = led
    hal.fault = fault

    def write(text: str) -> None:
        assert isinstance(text, str), f"the agent wrote {text!r}, not a str"
        hal.written.append(text)

    def idle(ms: int) -> None:
        hal.ms += ms

    def pin(n: int, op: str, v: int = 0, hz: int = 0) -> int | None:
        hal.calls.append(["pin", n, op, v, hz])
        if hal.fault is not None:
            raise hal.fault()
        return {"read": pin_read, "analog": pin_analog}.get(op)

    def led_(v: int | None) -> int | None:
        hal.calls.append(["led", v])
        if v is None:
            return hal.lit
        hal.lit = v
        return None

    def lines() -> list[str]:
        # what the board sent, as lines without their \n; fails on an unfinished line
        text = "".join(hal.written)
        assert text == "" or text.endswith("\n"), f"the agent left a line unfinished: {text!r}"
        return text.split("\n")[:-1]

    hal.read = lambda: None
    hal.write = write
    hal.idle = idle
    hal.ticks = lambda: hal.ms
    hal.diff = lambda a, b: a - b
    hal.heap = lambda: heap
    hal.pin = pin
    hal.led = led_
    hal.button = lambda letter: bool(hal.pressed.get(letter, False))
    hal.safe = lambda: hal.calls.append(["safe"])
    hal.reboot = lambda: hal.calls.append(["reboot"])
    hal.lines = lines
    return hal


class Firmware:
    """The loaded firmware: its modules, fresh agents on fake HALs, and test-only drivers."""

    def __init__(self, agent_module: types.ModuleType, board: types.ModuleType) -> None:
        self.module = agent_module
        self.board = board

    def agent(self, **hal_state) -> tuple[object, types.ModuleType]:
        hal = fake_hal(**hal_state)
        return self.module.Agent(hal), hal

    @contextmanager
    def driver(self, verb: str, run: Callable) -> Iterator[None]:
        """Serve `verb` with `run(agent, verb, args)` as a kb_d_<verb> module would."""
        name = "kb_d_" + verb
        assert name not in sys.modules, f"{name} is already loaded"
        module = types.ModuleType(name)
        module.run = run
        sys.modules[name] = module
        try:
            yield
        finally:
            sys.modules.pop(name, None)


@contextmanager
def firmware_loaded(kind: str) -> Iterator[Firmware]:
    saved_path = list(sys.path)
    saved = {name: sys.modules.pop(name) for name in [n for n in sys.modules if n.startswith("kb_")]}
    board = types.ModuleType("kb_board")
    exec(compile(firmware_constants(load_board(kind)), "kb_board.py", "exec"), board.__dict__)
    sys.modules["kb_board"] = board
    sys.path.insert(0, str(FIRMWARE))
    try:
        agent_module = importlib.import_module("kb_agent")
        assert Path(agent_module.__file__).parent == FIRMWARE, agent_module.__file__
        yield Firmware(agent_module, board)
    finally:
        sys.path[:] = saved_path
        for name in [n for n in sys.modules if n.startswith("kb_")]:
            del sys.modules[name]
        sys.modules.update(saved)


@pytest.fixture(scope="module")
def fw() -> Iterator[Firmware]:
    """The real firmware files for a micro:bit v1, imported in isolation for this test module."""
    with firmware_loaded(BOARD_KIND) as firmware:
        yield firmware
