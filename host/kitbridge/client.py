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

DEFAULT_WINDOW = 48  # the smallest board's receive window, used until hello says more
EVENT_QUEUE = 1000
CHECKSUM_RETRIES = 2  # E_CHECK means the board ran nothing, so a resend is always safe


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
        self._events: queue.Queue[wire.Event | None] = queue.Queue(maxsize=EVENT_QUEUE)
        self._last_seq: int | None = None
        self.last_sent = time.monotonic()
        self._keepalive_stop = threading.Event()
        self._reader = threading.Thread(target=self._read_loop, name="kitbridge-reader", daemon=True)
        self._dispatcher = threading.Thread(target=self._dispatch_loop, name="kitbridge-events", daemon=True)
        self._reader.start()
        self._dispatcher.start()

    # requests

    def request(self, verb: str, *args: object, timeout: float | None = None) -> str:
        """Send one request and wait for its answer text; typed errors for error replies."""
        for attempt in range(CHECKSUM_RETRIES + 1):
            reply = self.wait(self.submit(verb, *args, timeout=timeout), timeout)
            if reply.ok:
                return reply.text
            if reply.code != "E_CHECK" or attempt == CHECKSUM_RETRIES:
                raise error_for(reply, verb)
            log.warning("%s: the board saw a bad checksum; sending again", verb)
        raise AssertionError("unreachable")

    def submit(self, verb: str, *args: object, timeout: float | None = None) -> _Pending:
        """Send a request without waiting for its answer (pipelining within the board's window)."""
        self.check()
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
        threading.Thread(target=self._keepalive_loop, args=(interval,), name="kitbridge-keepalive",
                         daemon=True).start()

    def _keepalive_loop(self, interval: float) -> None:
        while not self._keepalive_stop.wait(interval / 2):
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

    def _read_loop(self) -> None:
        splitter = wire.LineSplitter()
        while not self._closed:
            try:
                data = self.link.read(0.1)
            except ConnectionLost as exc:
                self._fail(exc)
                return
            for line in splitter.feed(data):
                self._on_line(line)

    def _on_line(self, line: bytes) -> None:
        try:
            frame = wire.parse_line(line)
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

    def _note_sequence(self, event: wire.Event) -> None:
        if event.name == "boot":
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
            for handler in list(self._handlers):
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
