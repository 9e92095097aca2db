"""The request/answer engine between Board and a link: ids, flow control, timeouts, events.

One reader thread turns bytes into frames; one dispatcher thread runs event handlers, so a
slow student callback never stalls replies; an exception in a handler is kept and raised
in the caller's thread at its next request (check()).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from . import wire
from .errors import ConnectionLost, DeviceError, FirmwareMismatch, KitError, KitTimeout, ProtocolError
from .link import Link

log = logging.getLogger(__name__)
console_log = logging.getLogger("kitbridge.console")

DEFAULT_WINDOW = 32  # the smallest board's receive window (micro:bit v1), used until hello says more
EVENT_QUEUE = 1000
MAX_TRIES = 5  # sends of one request: resends after E_CHECK/E_FRAME, or of a read after a timeout
ATTEMPTS_PER_TIMEOUT = 4  # an idempotent request waits timeout/4 for each answer, so three resends fit
MIN_ATTEMPT = 0.15  # ...but never less than this for one answer
NOT_RUN = ("E_CHECK", "E_FRAME")  # the board refused the line before running it: resending is safe


def idempotent(verb: str, args: tuple[object, ...]) -> bool:
    """Whether sending this request twice does what sending it once does (the one place that says so).

    Only these are resent after a lost answer; any other request may have run, so it never is."""
    if verb in ("hello", "ping", "button"):
        return True
    if verb == "pin":
        return len(args) == 1 or (len(args) >= 2 and args[1] in ("read", "analog"))
    if verb == "led":
        return not args
    return False


def output_key(verb: str, args: tuple[object, ...]) -> tuple[object, ...] | None:
    """Which board output a request sets (two requests with one key: the later wins), else None.

    The Board keeps the last request per key and sends them again after a reconnect or reset."""
    if verb == "pin" and len(args) >= 2 and args[1] in ("write", "pwm", "pull"):
        return ("pin", str(args[0]), "pull" if args[1] == "pull" else "out")
    if verb == "led" and args:
        return ("led",)
    if verb == "rest" and args:
        return ("rest", str(args[0]))
    return None


@dataclass
class _Pending:
    rid: int
    size: int
    verb: str
    done: threading.Event = field(default_factory=threading.Event)
    reply: wire.Reply | None = None


def error_for(reply: wire.Reply, verb: str) -> KitError:
    """The typed exception for an error reply."""
    message = f"{verb}: {reply.text}" if reply.text else f"{verb}: {wire.ERROR_CODES[reply.code]}"
    if reply.code == "E_VERB":
        return FirmwareMismatch(f"{message}; the board's kit firmware is too old: run `kitbridge deploy`")
    if reply.code in ("E_FRAME", "E_CHECK", "E_LONG"):
        return ProtocolError(f"{message} ({wire.ERROR_CODES[reply.code]})")
    return DeviceError(message, reply.code)


class Client:
    def __init__(self, link: Link, *, timeout: float = 2.0) -> None:
        self.link = link
        self.timeout = timeout
        self.window = DEFAULT_WINDOW
        self.max_line = DEFAULT_WINDOW
        self.console: deque[str] = deque(maxlen=500)
        self.events_lost = 0  # by sequence-number gaps and a full event queue
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._pending: dict[int, _Pending] = {}
        self._inflight = 0
        self._next_id = 1
        self._closed = False
        self._lost: ConnectionLost | None = None
        self._handler_error: BaseException | None = None
        self._handlers: list[Callable[[wire.Event], None]] = []
        self._events: queue.Queue[wire.Event | Callable[[], None] | None] = queue.Queue(maxsize=EVENT_QUEUE)
        self._last_seq: int | None = None
        self.boots_seen = 0  # boot events read, in line order (Board tells a reset from the first boot)
        self.lost_event = threading.Event()  # set while the link is down
        self.clock: tuple[int, float] | None = None  # the board's ticks in the last ping answer, and when it came
        self.clock_at_loss: tuple[int, float] | None = None  # .clock when the link was last lost
        self.last_sent = time.monotonic()
        self._keepalive_stop = threading.Event()
        self._owner: threading.Thread | None = None  # while reconnecting, the only thread that may send
        self._generation = 0
        self._reader = self._start_reader()
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="kitbridge-events", daemon=True)
        self._dispatcher.start()

    def _start_reader(self) -> threading.Thread:
        reader = threading.Thread(target=self._read_loop, args=(self.link, self._generation),
                                  name="kitbridge-reader", daemon=True)
        reader.start()
        return reader

    # requests

    def request(self, verb: str, *args: object, timeout: float | None = None) -> str:
        """Send one request and wait for its answer text, all within `timeout` seconds.

        A line the board refused unrun (E_CHECK, E_FRAME) is sent again; an idempotent request
        (see idempotent()) also after its answer was lost. Anything else raises a typed error:
        KitTimeout, ConnectionLost, or the reply's error."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        retry = idempotent(verb, args)
        for tries in range(1, MAX_TRIES + 1):
            left = deadline - time.monotonic()
            wait = min(left, max(MIN_ATTEMPT, limit / ATTEMPTS_PER_TIMEOUT)) if retry else left
            pending = self.submit(verb, *args, timeout=max(left, 0.001))
            try:
                reply = self.wait(pending, max(wait, 0.001))
            except KitTimeout:
                if retry and tries < MAX_TRIES and deadline - time.monotonic() > 0.01:
                    log.info("%s: no answer from %s yet; asking again", verb, self.link.name)
                    continue
                if retry:
                    raise KitTimeout(f"{verb}: no answer from the board on {self.link.name} within {limit:g} s "
                                     f"({tries} tries); check the cable, or the board may be busy") from None
                raise KitTimeout(f"{verb}: no answer from the board on {self.link.name} within {limit:g} s; "
                                 "it may or may not have done it, so it was not sent again") from None
            if reply.ok:
                return reply.text
            if reply.code in NOT_RUN and tries < MAX_TRIES and time.monotonic() < deadline:
                log.warning("%s: the board received a damaged line (%s) and ran nothing; sending again",
                            verb, reply.code)
                continue
            raise error_for(reply, verb)
        raise KitTimeout(f"{verb}: the line to {self.link.name} damaged it {MAX_TRIES} times; check the cable")

    def submit(self, verb: str, *args: object, timeout: float | None = None) -> _Pending:
        """Send a request without waiting for its answer (pipelining within the board's window)."""
        self.check()
        owner = self._owner
        if owner is not None and owner is not threading.current_thread():
            raise ConnectionLost(f"{verb}: reconnecting to {self.link.name}; try again in a moment")
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            rid = self._take_id()
            line = wire.encode_request(rid, verb, *args)
            if len(line) - 1 > self.max_line:
                raise ValueError(f"{verb}: request is {len(line) - 1} bytes, the board takes at most {self.max_line}")
            while self._inflight and self._inflight + len(line) > self.window:
                self._raise_if_down()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise KitTimeout(f"{verb}: the board stopped answering on {self.link.name}")
                self._cond.wait(left)
            self._raise_if_down()
            pending = _Pending(rid, len(line), verb)
            self._pending[rid] = pending
            self._inflight += pending.size
        with self._write_lock:
            try:
                self.link.write(line)
            except ConnectionLost as exc:
                self._fail(exc)
                raise
            self.last_sent = time.monotonic()
        return pending

    def wait(self, pending: _Pending, timeout: float | None = None) -> wire.Reply:
        """The reply to a submitted request, or KitTimeout / ConnectionLost."""
        limit = self.timeout if timeout is None else timeout
        if not pending.done.wait(limit):
            self._release(pending)
            if pending.reply is None:
                self._raise_if_down()
                raise KitTimeout(f"{pending.verb}: no answer from the board on {self.link.name} within {limit:g} s")
        if pending.reply is None:
            self._raise_if_down()
            raise ConnectionLost(f"{pending.verb}: the link to {self.link.name} closed")
        return pending.reply

    def _take_id(self) -> int:
        for _ in range(9999):
            rid = self._next_id
            self._next_id = rid % 9999 + 1
            if rid not in self._pending:
                return rid
        raise KitError("9999 requests are waiting for answers; the board is not answering")

    def _release(self, pending: _Pending) -> None:
        with self._cond:
            if self._pending.pop(pending.rid, None) is not None:
                self._inflight -= pending.size
                self._cond.notify_all()

    def start_keepalive(self, interval: float) -> None:
        """Ping whenever the line has been quiet for `interval` s, so the board's deadman stays calm."""
        self._keepalive_stop.set()
        self._keepalive_stop = threading.Event()
        threading.Thread(target=self._keepalive_loop, args=(interval, self._keepalive_stop),
                         name="kitbridge-keepalive", daemon=True).start()

    def _keepalive_loop(self, interval: float, stop: threading.Event) -> None:
        while not stop.wait(interval / 4):
            if time.monotonic() - self.last_sent < interval:
                continue
            try:
                self._release_when_answered(self.submit("ping", timeout=interval))
            except KitError as exc:
                log.debug("keep-alive ping failed: %s", exc)
                if self._lost is not None or self._closed:
                    return

    def _release_when_answered(self, pending: _Pending) -> None:
        # the answer's arrival frees the window; nobody waits for it
        pending.done.wait(self.timeout)
        self._release(pending)

    # events

    def add_handler(self, handler: Callable[[wire.Event], None]) -> None:
        self._handlers.append(handler)

    def barrier(self, action: Callable[[], None]) -> None:
        """Run `action` on the event thread once every event read so far has been handled, and before
        any read later (so after the events that came before an answer just got)."""
        try:
            self._events.put(action, timeout=self.timeout)
        except queue.Full:
            raise KitTimeout("the event handlers are stuck: a callback may be blocking") from None

    def check(self) -> None:
        """Raise, in the caller's thread, what went wrong in the background."""
        if self._handler_error is not None:
            error, self._handler_error = self._handler_error, None
            raise error
        self._raise_if_down()

    def _raise_if_down(self) -> None:
        if self._lost is not None:
            raise ConnectionLost(str(self._lost))
        if self._closed:
            raise ConnectionLost(f"the connection to {self.link.name} is closed")

    # background threads

    def _read_loop(self, link: Link, generation: int) -> None:
        splitter = wire.LineSplitter()
        while not self._closed and generation == self._generation:
            try:
                data = link.read(0.1)
            except ConnectionLost as exc:
                if generation == self._generation:
                    self._fail(exc)
                return
            for line in splitter.feed(data):
                if generation != self._generation:
                    return
                self._on_line(line)

    # reconnecting: the same Client (handlers, console, counters) on a new link

    def hold(self, owner: threading.Thread | None) -> None:
        """While `owner` is set, requests from any other thread raise ConnectionLost at once."""
        self._owner = owner

    def detach(self, reason: str) -> None:
        """Stop reading the current link; waiting and later requests raise ConnectionLost(reason)."""
        self._keepalive_stop.set()
        with self._cond:
            self._generation += 1
        self._fail(ConnectionLost(reason))
        if threading.current_thread() is not self._reader:
            self._reader.join(timeout=1)

    def attach(self, link: Link) -> None:
        """Read and send on `link` from now on, as a fresh connection (window as before hello)."""
        with self._cond:
            self.link = link
            self.window = self.max_line = DEFAULT_WINDOW
            self._pending.clear()
            self._inflight = 0
            self._last_seq = None
            self._lost = None
            self.lost_event.clear()
            self._reader = self._start_reader()

    def _on_line(self, line: bytes) -> None:
        try:
            frame = wire.parse_line(line)
            if isinstance(frame, wire.Console) and line.rfind(b"@", 1) > 0:
                frame = self._resync(line, frame)
        except wire.FrameError as exc:
            log.warning("ignored a broken frame from %s: %s", self.link.name, exc)
            return
        if isinstance(frame, wire.Reply):
            with self._cond:
                pending = self._pending.pop(frame.rid, None)
                if pending is not None:
                    self._inflight -= pending.size
                    pending.reply = frame
                    pending.done.set()
                    self._cond.notify_all()
                    if pending.verb == "ping" and frame.ok and frame.text.isdigit():
                        self.clock = (int(frame.text), time.monotonic())
            if pending is None:
                log.debug("late or unknown reply %s", frame)
        elif isinstance(frame, wire.Event):
            self._note_sequence(frame)
            try:
                self._events.put_nowait(frame)
            except queue.Full:
                self.events_lost += 1
                log.warning("event queue full: dropped %s", frame.name)
        else:
            self.console.append(frame.text)
            console_log.info("%s: %s", self.link.name, frame.text)

    def _resync(self, line: bytes, console: wire.Console) -> wire.Reply | wire.Event | wire.Console:
        # A lost newline glues a frame onto the line before it: keep the frame at the end, if it checks out.
        start = line.rfind(b"@", 1)
        tail = wire.parse_line(line[start:])
        if isinstance(tail, wire.Console):
            return console
        self.console.append(line[:start].decode("ascii", errors="replace"))
        console_log.info("%s: %s", self.link.name, self.console[-1])
        return tail

    def _note_sequence(self, event: wire.Event) -> None:
        if event.name == "boot":
            self.boots_seen += 1
            self._last_seq = event.seq
            return
        if self._last_seq is not None:
            gap = (event.seq - self._last_seq - 1) % 65535
            if gap:
                self.events_lost += gap
                log.warning("%d event(s) from %s were lost on the line", gap, self.link.name)
        self._last_seq = event.seq

    def _dispatch_loop(self) -> None:
        while True:
            event = self._events.get()
            if event is None:
                return
            handlers: list[Callable[..., None]] = list(self._handlers) if isinstance(event, wire.Event) \
                else [lambda _, act=event: act()]  # a barrier()'s action runs as a handler does
            for handler in handlers:
                try:
                    handler(event)
                except BaseException as exc:  # the student's callback: surfaced by check()
                    log.debug("event handler failed", exc_info=True)
                    if self._handler_error is None:
                        self._handler_error = exc

    def _fail(self, exc: ConnectionLost) -> None:
        with self._cond:
            if self._lost is None and not self._closed:
                self._lost = exc
                self.clock_at_loss = self.clock
                self.lost_event.set()
                log.warning("%s", exc)
            for pending in self._pending.values():
                pending.done.set()
            self._pending.clear()
            self._inflight = 0
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            for pending in self._pending.values():
                pending.done.set()
            self._cond.notify_all()
        self.lost_event.set()
        self._keepalive_stop.set()
        try:
            self._events.put(None, timeout=1)
        except queue.Full:
            log.debug("event dispatcher is stuck in a handler")
        if threading.current_thread() is not self._reader:
            self._reader.join(timeout=1)
        if threading.current_thread() is not self._dispatcher:
            self._dispatcher.join(timeout=1)

    @property
    def lost(self) -> bool:
        return self._lost is not None
