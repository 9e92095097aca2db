"""The host library's public API against the emulated micro:bit: Board("qemu:microbit-v1").

Handshake, a pin seen in the GPIO register, a button pressed through qtest, flow control
under 2,000 pipelined requests, console passthrough after Ctrl-C, and QEMU gone on close.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from kitbridge import Board, wire
from kitbridge.boards import load_board
from kitbridge.deploy import deploy_files, firmware_version
from kitbridge.errors import KitError, KitTimeout

PORT = "qemu:microbit-v1"
PIN0_GPIO = 1 << 3  # edge pin 0 is nRF51 GPIO 3
PIPELINED = 2000
WINDOW = load_board("microbit-v1").rx_window  # what hello must announce, and the host must keep to


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def board(qemu_tools) -> Iterator[Board]:
    with Board(PORT) as b:
        yield b


@pytest.fixture
def own_board(qemu_tools) -> Iterator[Board]:
    """A board of its own, for a test that leaves it unable to answer."""
    b = Board(PORT)
    try:
        yield b
    finally:
        b.close()


class WatchedCondition(threading.Condition):
    """A Condition that tells when someone first waits on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waiting.set()
        return super().wait(timeout)


class InflightMeter:
    """Bytes the host wrote minus bytes of requests whose answers came back, measured on the link
    itself (not from the client's own count), with its highest value."""

    def __init__(self, link) -> None:
        self._link_write, self._link_read = link.write, link.read
        self._lock = threading.Lock()
        self._sizes: dict[int, int] = {}
        self._splitter = wire.LineSplitter()
        self.unanswered = self.peak = self.answers = self.most_requests = 0

    def write(self, data: bytes) -> None:
        word = data.split(b" ", 1)[0]
        if not word.isdigit():  # not a request (the handshake's lone newline): nothing will answer it
            self._link_write(data)
            return
        with self._lock:
            self._sizes[int(word)] = len(data)
            self.unanswered += len(data)
            self.peak = max(self.peak, self.unanswered)
            self.most_requests = max(self.most_requests, len(self._sizes))
        self._link_write(data)

    def read(self, timeout: float) -> bytes:
        data = self._link_read(timeout)
        for line in self._splitter.feed(data):
            try:
                frame = wire.parse_line(line)
            except wire.FrameError:
                continue  # the client ignores a broken frame too; its request then times out
            if isinstance(frame, wire.Reply):
                with self._lock:
                    self.unanswered -= self._sizes.pop(frame.rid, 0)
                    self.answers += 1
        return data

    def zero(self, client) -> None:
        """Start counting afresh at a moment when the client has nothing unanswered."""
        with client._cond:
            while client._inflight:
                assert client._cond.wait(2), "the client never got all its answers"
            with self._lock:
                self._sizes.clear()
                self.unanswered = self.peak = self.most_requests = 0


def test_handshake_names_the_board_and_takes_its_window_from_hello(board):
    assert board.kind == "microbit-v1"
    assert board.info["proto"] == str(wire.PROTOCOL)
    assert board.firmware == firmware_version(deploy_files(board.spec))
    assert board.info["rx"] == str(WINDOW) and board._client.window == WINDOW
    assert board.info["line"] == str(board.spec.max_line) and board._client.max_line == board.spec.max_line
    assert {"led", "button_a", "button_b"} <= set(board.info["dev"].split(","))


def test_write_digital_drives_the_gpio_register(board):
    qemu = board.link.qemu
    board.pin(0).write_digital(1)
    assert qemu.gpio_out() & PIN0_GPIO
    board.pin(0).write_digital(0)
    assert not qemu.gpio_out() & PIN0_GPIO


def test_button_press_wakes_wait_for_press_and_when_pressed(board, monkeypatch, figure):
    qemu, button = board.link.qemu, board.button_a
    called = threading.Event()
    watched = WatchedCondition()
    monkeypatch.setattr(button, "_changed", watched)
    monkeypatch.setattr(button, "when_pressed", called.set)
    outcome: list[KitError | float] = []

    def waiter() -> None:
        try:
            button.wait_for_press(timeout=2)
            outcome.append(time.perf_counter())
        except KitError as exc:  # reported by the assertion below, in the test's own thread
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    try:
        # pressed only once the waiter is past its is_pressed check and asleep on the condition
        assert watched.waiting.wait(2), "wait_for_press never started waiting"
        pressed_at = time.perf_counter()
        qemu.press("a")
        thread.join(3)
        assert not thread.is_alive()
        assert called.wait(2), "when_pressed was not called"
    finally:
        qemu.release("a")
        thread.join(3)
    assert len(outcome) == 1 and isinstance(outcome[0], float), outcome
    button.wait_for_release(timeout=2)
    assert button.is_pressed is False
    board.check()  # the callback raised nothing
    figure("button press (qtest) to wait_for_press returning", "%.1f ms" % ((outcome[0] - pressed_at) * 1000))


def test_pipelined_requests_are_all_answered_within_the_window(board, monkeypatch, figure):
    client = board._client
    meter = InflightMeter(board.link)
    monkeypatch.setattr(board.link, "write", meter.write)
    monkeypatch.setattr(board.link, "read", meter.read)
    # the reader thread takes the patched read at its next call; an answer seen by the meter proves it has
    wait_until(lambda: client.request("ping") and meter.answers, 2, "an answer read through the meter")
    meter.zero(client)
    # pings in pairs: two (16 bytes each with 4-digit ids) fit a 32-byte window, so requests overlap
    kinds = [("ping",), ("ping",), ("pin", 0, "write", 1), ("ping",), ("ping",), ("pin", 0, "write", 0),
             ("button", "a")]
    requests = [kinds[i % len(kinds)] for i in range(PIPELINED)]

    start = time.perf_counter()
    pending = [client.submit(*request) for request in requests]
    replies = [client.wait(p) for p in pending]
    seconds = time.perf_counter() - start

    assert len(replies) == PIPELINED
    failed = [(request, reply) for request, reply in zip(requests, replies, strict=True) if not reply.ok]
    assert not failed, f"{len(failed)} of {PIPELINED} were answered with an error, first: {failed[:3]}"
    assert [r.rid for r in replies] == [p.rid for p in pending]
    assert all(r.text.isdigit() for q, r in zip(requests, replies, strict=True) if q[0] == "ping")
    assert all(r.text == "0" for q, r in zip(requests, replies, strict=True) if q[0] == "button")
    assert meter.peak <= board._client.window == WINDOW, f"{meter.peak} bytes were unanswered"
    assert meter.most_requests >= 2, "requests went one at a time: nothing was pipelined"
    assert meter.unanswered == 0
    figure(f"{PIPELINED} pipelined requests through Board (window {WINDOW} bytes)",
           f"{PIPELINED / seconds:.0f} requests/s, at most {meter.peak} bytes and {meter.most_requests} "
           "requests unanswered")


def test_ctrl_c_traceback_reaches_the_console_and_the_board_stops_answering(own_board):
    board = own_board
    board.link.write(b"\x03")
    wait_until(lambda: any(line.startswith("KeyboardInterrupt") for line in board.console), 3,
               "the board's KeyboardInterrupt line")
    assert "Traceback (most recent call last):" in board.console
    with pytest.raises(KitTimeout):
        board.request("ping", timeout=1)
    board.check()  # a console line is never an exception in the caller's thread


def test_closing_the_board_stops_qemu(qemu_tools):
    board = Board(PORT)
    qemu = board.link.qemu
    proc = qemu._proc
    assert proc is not None and proc.poll() is None
    board.close()
    assert proc.poll() is not None, "QEMU still runs after Board.close()"
    assert not qemu.running
    board.close()  # idempotent
