"""Board: connect, shake hands, and hand out device objects built from the board definition."""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import cached_property

from . import wire
from .boards import BoardSpec, load_board
from .client import Client, output_key
from .devices import LED, Button, Pin
from .errors import BoardNotFound, ConnectionLost, DeviceError, FirmwareMismatch, KitError, KitTimeout
from .link import Link, open_link, split_port
from .link.mqtt_broker import redact

log = logging.getLogger(__name__)

HELLO_ATTEMPT = 0.6  # a booting board may miss the first hello
# Outputs stop at most this long after the host dies: 0.4 s + the board's loop stays inside the
# 500 ms a runaway motor may run (docs/reliability.md).
DEFAULT_DEADMAN = 0.4
KEEPALIVES_PER_DEADMAN = 4  # a quiet line gets a ping every quarter deadman: one lost ping is harmless
RECONNECT_TRY = 2.0  # auto-reconnect: seconds per attempt; attempts go on until the board is back
RECONNECT_PAUSE = 0.2


class Board:
    """A kit board running kitbridge firmware, real or simulated.

        with Board("sim") as board:     # Board() finds a real board; Board("/dev/ttyUSB0"), Board("COM3")
            board.led.on()
            board.button_a.wait_for_press(timeout=5)
    """

    def __init__(self, port: str | None = None, *, timeout: float = 2.0, deadman: float | None = DEFAULT_DEADMAN,
                 reconnect: bool = False) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        if deadman is not None and not 0.1 <= deadman <= 60:
            raise ValueError(f"deadman must be 0.1..60 seconds or None, not {deadman!r}")
        port = port or os.environ.get("KITBRIDGE_PORT")
        if port is None:
            from .discover import find_board_port

            port = find_board_port()
        self._open_as = port  # the port name with any password: only for opening the link
        self.port = redact(port)
        self.link: Link = open_link(port)
        self._pins: dict[int, Pin] = {}
        self._buttons: dict[str, Button] = {}
        self._connected = False
        self._closed = False
        self._timeout = timeout
        self._deadman = deadman
        self._outputs: dict[tuple[object, ...], tuple[object, ...]] = {}  # last request per output
        self._outputs_lock = threading.Lock()
        self._reconnect_lock = threading.Lock()
        self._reconnects = reconnect
        self._boots_handled = 0
        self._boots_at_connect = 0
        try:
            self._client = Client(self.link, timeout=timeout)
            self._client.add_handler(self._on_event)  # before hello, so boots are counted from the start
            self._setup(timeout)
            for letter in "ab":
                if self.spec.has(f"button_{letter}"):
                    self._buttons[letter] = Button(self, f"button_{letter}", letter)
            self._connected = True
        except BaseException:
            self._close_quietly()
            raise
        log.info("connected to %s on %s (firmware %s)", self.kind, self.port, self.firmware)
        if reconnect:
            threading.Thread(target=self._auto_reconnect, name="kitbridge-reconnect", daemon=True).start()

    def _setup(self, timeout: float) -> None:
        """Handshake and settings of a fresh connection (also after a reconnect)."""
        info = self._handshake(timeout)
        before = self.__dict__.get("info")
        if before is not None and info["uid"] != before["uid"]:
            raise BoardNotFound(f"{self.port} now has another board (uid {info['uid']}, not {before['uid']}); "
                                "plug this Board's board back in, or make a new Board for the other one")
        self.info = info
        spec = load_board(self.info["board"])
        if "spec" in self.__dict__ and spec.kind != self.spec.kind:
            raise BoardNotFound(f"{self.port} now has a {spec.kind}, not the {self.spec.kind} this Board "
                                "was made for: make a new Board")
        self.spec: BoardSpec = spec
        self._client.window = min(int(self.info["rx"]), self.spec.rx_window)
        self._client.max_line = int(self.info["line"])
        self._boots_at_connect = self._client.boots_seen
        if self._deadman is not None:
            self._client.request("deadman", round(self._deadman * 1000))
            self._client.start_keepalive(self._deadman / KEEPALIVES_PER_DEADMAN)

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
        try:
            answer = self._client.request(verb, *args, timeout=timeout)
        except FirmwareMismatch as exc:
            missing = self._missing_driver(verb)
            if missing is None:
                raise
            raise missing from exc
        self._note(verb, args)
        return answer

    def _missing_driver(self, verb: str) -> DeviceError | None:
        # a small board gets only the drivers its definition lists: say so, not "deploy again"
        drivers = self.spec.drivers
        if drivers is None or verb in wire.CORE_VERBS or verb in drivers:
            return None
        if verb in (self.spec.kit_drivers or ()):
            return DeviceError(f"this {self.spec.name}'s MicroPython has no room for the '{verb}' driver: flash the "
                               "kit's image, which has it built in (`kitbridge flash`), then deploy", "E_VERB")
        return DeviceError(f"the {self.spec.name} has no room for the '{verb}' driver (its memory holds only: "
                           f"{', '.join(drivers) or 'the core'}); use a micro:bit v2 or an ESP32 board for this "
                           "device", "E_VERB")

    def _note(self, verb: str, args: tuple[object, ...]) -> None:
        # what a reconnect or a board reset must send again; reads make a pin an input
        key = output_key(verb, args)
        with self._outputs_lock:
            if key is not None:
                self._outputs.pop(key, None)
                self._outputs[key] = (verb, *args)
            elif verb == "pin" and args:
                self._outputs.pop(("pin", str(args[0]), "out"), None)
            elif verb == "reset":
                self._outputs.clear()
                hub = self.__dict__.get("_stream_hub")
                if hub is not None:
                    hub.end_all("reset stopped the stream on the board; start it again")
            elif verb == "deadman" and args:
                self._deadman = int(args[0]) / 1000 or None

    # reconnecting

    def reconnect(self, timeout: float = 5.0) -> None:
        """Open this board's port again, shake hands, and restore what this Board had set: pin outputs,
        pulls and the LED, the deadman, and the streams that were running (they go on through the same
        Stream; see Stream.gaps). Callbacks stay (they live here). A serial board that comes back under
        another name (/dev/ttyUSB1 for /dev/ttyUSB0) is found by its uid. Raises BoardNotFound (or
        another KitError) if the board is not back within `timeout` seconds; the Board stays usable
        for another try."""
        if self._closed:
            raise ConnectionLost(f"this Board on {self.port} was closed; make a new Board")
        with self._reconnect_lock:
            deadline = time.monotonic() + timeout
            client = self._client
            self._connected = False
            client.hold(threading.current_thread())
            try:
                client.detach(f"the link to {self.port} is being reopened")
                if "_stream_hub" in self.__dict__:
                    self.__dict__["_stream_hub"].outage_starts()
                self.link = self._reopen(deadline)
                client.attach(self.link)
                self._setup(max(deadline - time.monotonic(), HELLO_ATTEMPT))
                self._restore("reconnect")
                if self._closed:  # close() came while the background reconnect ran
                    raise ConnectionLost(f"this Board on {self.port} was closed")
                self._connected = True
            except BaseException:
                client.detach(f"lost the board on {self.port}; board.reconnect() failed, try it again")
                if self._closed:
                    self.link.close()
                raise
            finally:
                client.hold(None)
        log.info("reconnected to %s on %s", self.kind, self.port)

    def _reopen(self, deadline: float) -> Link:
        reopen = getattr(self.link, "reopen", None)
        if reopen is not None:
            reopen(max(deadline - time.monotonic(), 0.0))
            return self.link
        self.link.close()
        if split_port(self._open_as)[0] == "serial":
            return self._find_serial(deadline)
        while True:  # a USB board takes a moment to come back under its name
            try:
                return open_link(self._open_as)
            except BoardNotFound:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(RECONNECT_PAUSE)

    def _find_serial(self, deadline: float) -> Link:
        """This board's serial port again: under its name, or under a new one (found by its uid)."""
        from .link.refind import reopen_serial

        link = reopen_serial(self._open_as, self.uid, deadline)
        if link.name != self._open_as:
            log.warning("the board %s came back on %s (it was on %s)", self.uid, link.name, self.port)
            self._open_as = self.port = link.name
        return link

    def _restore(self, reason: str) -> None:
        with self._outputs_lock:
            requests = list(self._outputs.values())
        for verb, *args in requests:
            self._client.request(verb, *args)
        if requests:
            log.info("restored %d output setting(s) on %s", len(requests), self.port)
        hub = self.__dict__.get("_stream_hub")
        if hub is not None:
            hub.resume(reason)

    def _auto_reconnect(self) -> None:
        lost = self._client.lost_event
        while not self._closed:
            lost.wait()
            if self._closed:
                return
            log.warning("lost the board on %s; reconnecting in the background", self.port)
            while not self._closed:
                try:
                    self.reconnect(timeout=RECONNECT_TRY)
                    break
                except KitError as exc:
                    log.debug("reconnecting to %s: %s", self.port, exc)
                    time.sleep(RECONNECT_PAUSE)

    def check(self) -> None:
        """Raise here what went wrong in the background (a callback's exception, a lost link)."""
        self._client.check()

    @property
    def reconnecting(self) -> bool:
        """True if this Board reconnects by itself when the link is lost (Board(port, reconnect=True))."""
        return self._reconnects and not self._closed

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
        from .devices.registry import is_onboard_name, onboard_class

        cache = self.__dict__.setdefault("_onboard", {})
        if name not in cache:
            if not is_onboard_name(name):
                raise AttributeError(f"'Board' object has no attribute {name!r}")
            device = self.spec.device(name)  # ValueError naming the boards that have it
            cls = onboard_class(name, device.type)
            if cls is None:
                raise ValueError(f"kitbridge has no class for the {self.spec.name}'s {name} ({device.type})")
            cache[name] = cls(self, name)
        return cache[name]

    def record(self, devices: list, seconds: float, path: str | os.PathLike[str], label: object = None,
               hz: float = 50):
        """Stream `devices` (e.g. [board.accelerometer, board.light]) for `seconds` at `hz`, writing
        every sample to the CSV file `path` as it arrives; returns a Recording (rows, lost).
        `label`: a function, a button or "keyboard" fills a label column (see kitbridge.record)."""
        from .record import record

        return record(self, devices, seconds, path, label=label, hz=hz)

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
        elif event.name == "boot":
            self._boots_handled += 1
            if self._connected and self._boots_handled > self._boots_at_connect:
                self._after_reset()

    def _after_reset(self) -> None:
        log.warning("the board on %s restarted; setting its outputs and deadman again", self.port)
        try:
            if self._deadman is not None:
                self._client.request("deadman", round(self._deadman * 1000))
            self._restore("reset")
        except KitError as exc:
            log.warning("could not restore the board on %s after its restart: %s", self.port, exc)

    # lifetime

    def close(self) -> None:
        """Leave the board's outputs safe and release the port. Idempotent."""
        client = getattr(self, "_client", None)
        if client is not None and not client.lost and not self._closed:
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
