"""Board: connect, shake hands, and hand out device objects built from the board definition."""

from __future__ import annotations

import logging
import os
import time
from functools import cached_property

from . import wire
from .boards import BoardSpec, load_board
from .client import Client
from .devices import LED, Button, Pin
from .errors import BoardNotFound, FirmwareMismatch, KitError, KitTimeout
from .link import Link, open_link

log = logging.getLogger(__name__)

HELLO_ATTEMPT = 0.6  # a booting board may miss the first hello


class Board:
    """A kit board running kitbridge firmware, real or simulated.

        with Board("sim") as board:     # Board() finds a real board; Board("/dev/ttyUSB0"), Board("COM3")
            board.led.on()
            board.button_a.wait_for_press(timeout=5)
    """

    def __init__(self, port: str | None = None, *, timeout: float = 2.0, deadman: float | None = 0.5) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if deadman is not None and not 0.1 <= deadman <= 60:
            raise ValueError(f"deadman must be 0.1..60 seconds or None, not {deadman!r}")
        port = port or os.environ.get("KITBRIDGE_PORT")
        if port is None:
            from .discover import find_board_port

            port = find_board_port()
        self.port = port
        self.link: Link = open_link(port)
        self._pins: dict[int, Pin] = {}
        self._buttons: dict[str, Button] = {}
        self._connected = False
        try:
            self._client = Client(self.link, timeout=timeout)
            self.info = self._handshake(timeout)
            self.spec: BoardSpec = load_board(self.info["board"])
            self._client.window = min(int(self.info["rx"]), self.spec.rx_window)
            self._client.max_line = int(self.info["line"])
            for letter in "ab":
                if self.spec.has(f"button_{letter}"):
                    self._buttons[letter] = Button(self, f"button_{letter}", letter)
            self._client.add_handler(self._on_event)
            if deadman is not None:
                self.request("deadman", round(deadman * 1000))
                self._client.start_keepalive(deadman / 3)
            self._connected = True
        except BaseException:
            self._close_quietly()
            raise
        log.info("connected to %s on %s (firmware %s)", self.kind, port, self.firmware)

    def _handshake(self, timeout: float) -> dict[str, str]:
        deadline = time.monotonic() + max(timeout, 3 * HELLO_ATTEMPT)
        self.link.write(b"\n")  # ends any half line a terminal left on the board
        while True:
            try:
                text = self._client.request("hello", timeout=HELLO_ATTEMPT)
                break
            except KitTimeout:
                if time.monotonic() > deadline:
                    raise self._no_answer() from None
        info = dict(word.split("=", 1) for word in text.split() if "=" in word)
        missing = {"proto", "fw", "board", "uid", "rx", "line"} - info.keys()
        if missing:
            raise FirmwareMismatch(f"the board on {self.port} gave an incomplete hello (no {', '.join(sorted(missing))}): "
                                   f"run `kitbridge deploy --port {self.port}`")
        if info["proto"] != str(wire.PROTOCOL):
            raise FirmwareMismatch(f"the board on {self.port} speaks kit protocol {info['proto']}, this kitbridge "
                                   f"speaks {wire.PROTOCOL}: run `kitbridge deploy --port {self.port}`")
        try:
            load_board(info["board"])
        except ValueError as exc:
            raise FirmwareMismatch(f"the board on {self.port} says it is a '{info['board']}', "
                                   f"which this kitbridge does not know ({exc})") from None
        return info

    def _no_answer(self) -> KitError:
        seen = " | ".join(list(self._client.console)[-3:])
        if ">>>" in seen or "MicroPython" in seen or "Traceback" in seen:
            return FirmwareMismatch(f"the board on {self.port} runs MicroPython but no kit firmware answered "
                                    f"(it saw: {seen!r}): run `kitbridge deploy --port {self.port}`")
        return BoardNotFound(f"nothing answered on {self.port}; is it a kit board? "
                             f"Try `kitbridge doctor --port {self.port}`")

    # the library's one way to talk to the board

    def request(self, verb: str, *args: object, timeout: float | None = None) -> str:
        return self._client.request(verb, *args, timeout=timeout)

    def check(self) -> None:
        """Raise here what went wrong in the background (a callback's exception, a lost link)."""
        self._client.check()

    @property
    def console(self) -> list[str]:
        """Recent lines the board printed that were not protocol frames."""
        return list(self._client.console)

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def firmware(self) -> str:
        return self.info["fw"]

    @property
    def uid(self) -> str:
        return self.info["uid"]

    @property
    def sim(self):
        """The simulated board behind a `sim` port (its .world), else None."""
        return getattr(self.link, "sim", None)

    # devices

    def pin(self, label: int) -> Pin:
        if label not in self._pins:
            self._pins[label] = Pin(self, label)
        return self._pins[label]

    @cached_property
    def led(self) -> LED:
        self.spec.device("led")
        return LED(self, "led")

    @property
    def button_a(self) -> Button:
        return self._button("a")

    @property
    def button_b(self) -> Button:
        return self._button("b")

    def __getattr__(self, name: str):
        # on-board devices other than led and buttons: board.light, board.display, ...
        if name.startswith("_") or "spec" not in self.__dict__:
            raise AttributeError(name)
        from .devices.registry import ONBOARD

        cache = self.__dict__.setdefault("_onboard", {})
        if name not in cache:
            if name not in ONBOARD:
                raise AttributeError(f"'Board' object has no attribute {name!r}")
            self.spec.device(name)  # ValueError naming the boards that have it
            cache[name] = ONBOARD[name](self, name)
        return cache[name]

    def _button(self, letter: str) -> Button:
        name = f"button_{letter}"
        if letter not in self._buttons:
            self.spec.device(name)
            self._buttons[letter] = Button(self, name, letter)
        return self._buttons[letter]

    def _on_event(self, event: wire.Event) -> None:
        if event.name == "button" and len(event.args) == 2 and event.args[0] in self._buttons:
            self._buttons[event.args[0]]._on_event(event.args[1])
        elif event.name == "deadman":
            log.warning("the board on %s stopped its outputs: the host was silent for %s ms", self.port, event.args[0])
        elif event.name == "boot" and self._connected:
            log.warning("the board on %s restarted", self.port)

    # lifetime

    def close(self) -> None:
        """Leave the board's outputs safe and release the port. Idempotent."""
        client = getattr(self, "_client", None)
        if client is not None and not client.lost and not getattr(self, "_closed", False):
            try:
                client.request("reset", timeout=1)
                client.request("deadman", 0, timeout=1)
            except KitError as exc:
                log.debug("closing %s: %s", self.port, exc)
        self._close_quietly()

    def _close_quietly(self) -> None:
        self._closed = True
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        self.link.close()

    def __enter__(self) -> Board:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if exc_type is None:
            self.check_callbacks()

    def check_callbacks(self) -> None:
        try:
            self._client.check()
        except KitError:
            pass  # link errors after a clean close are not the student's business

    def __repr__(self) -> str:
        return f"<Board {getattr(self, 'spec', None) and self.kind} on {self.port}>"
