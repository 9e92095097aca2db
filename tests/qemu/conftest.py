"""The qemu layer: Debian's micro:bit MicroPython 1.9.2 under qemu-system-arm, deployed over the
raw REPL, buttons pressed through QEMU's qtest socket. Skips without QEMU or the firmware hex,
except on CI (CI=true), where tools/test installs them and a skip would hide a broken layer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kitbridge import wire
from kitbridge.boards import load_board
from kitbridge.link.qemu import QemuMicrobit, missing_tools, ready_microbit
from kitbridge.link.rawrepl import RawRepl
from tooling import tool_missing

logger = logging.getLogger(__name__)
_FIGURES: dict[str, str] = {}


@pytest.fixture(scope="session")
def qemu_tools() -> None:
    missing = missing_tools()
    if missing:
        tool_missing("the qemu layer needs " + "; ".join(missing))


@pytest.fixture
def spec():
    return load_board("microbit-v1")


@pytest.fixture
def board(qemu_tools) -> Iterator[QemuMicrobit]:
    """A freshly booted emulated micro:bit at its REPL, empty file system."""
    with QemuMicrobit() as b:
        yield b


@pytest.fixture
def kit_board(qemu_tools) -> Iterator[QemuMicrobit]:
    """A fresh emulated micro:bit with the kit firmware deployed and its agent running."""
    b = ready_microbit()
    try:
        yield b
    finally:
        b.stop()


@pytest.fixture
def agent(kit_board) -> AgentLine:
    return AgentLine(kit_board.repl)


@pytest.fixture(scope="session")
def figure() -> Callable[[str, str], None]:
    """Record a measured figure: logged, and listed at the end of the test run."""

    def record(name: str, value: str) -> None:
        logger.info("qemu figure: %s = %s", name, value)
        _FIGURES[name] = value

    return record


def pytest_terminal_summary(terminalreporter) -> None:
    if _FIGURES:
        terminalreporter.section("qemu micro:bit figures")
        for name, value in _FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


class AgentLine:
    """Requests to the kit agent and its replies and events, straight over the board's port."""

    def __init__(self, repl: RawRepl) -> None:
        self.repl = repl
        self.rid = 0
        self.buf = b""
        self.seen: list[Any] = []

    def request(self, verb: str, *args: object, timeout: float = 3.0) -> wire.Reply:
        self.rid += 1
        rid = self.rid
        self.repl.write(wire.encode_request(rid, verb, *args))
        return self.wait_for(lambda item: isinstance(item, wire.Reply) and item.rid == rid, timeout)

    def ok(self, verb: str, *args: object) -> str:
        reply = self.request(verb, *args)
        assert reply.ok, f"{verb} {args} -> err {reply.code} {reply.text}"
        return reply.text

    def wait_board_ms(self, ms: int, timeout: float = 3.0) -> None:
        """Wait until the board's own clock has moved on `ms` milliseconds."""
        start = int(self.ok("ping"))
        deadline = time.monotonic() + timeout
        while int(self.ok("ping")) - start < ms:
            assert time.monotonic() < deadline, f"the board's clock did not move {ms} ms in {timeout} s"

    def event(self, name: str, *args: str, timeout: float = 3.0) -> wire.Event:
        return self.wait_for(lambda item: isinstance(item, wire.Event) and item.name == name
                             and item.args == args, timeout)

    def wait_for(self, wanted: Callable[[Any], bool], timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                item = wire.parse_line(line)
                self.seen.append(item)
                if wanted(item):
                    return item
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"nothing wanted within {timeout:.1f} s; board said: {self.seen[-5:]!r}")
            self.buf += self.repl.read_some(left)
