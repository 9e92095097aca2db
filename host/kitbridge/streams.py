"""Streams: a sensor sampled by the board at a fixed rate, its samples sent in batches.

    with board.accelerometer.stream(hz=100) as samples:
        for s in samples:               # s.timestamp (board seconds), s.x, s.y, s.z (g)
            ...
        lost = samples.lost             # samples that never arrived (gaps in their numbers)

The wire format is docs/protocol.md section 15. Each batch event carries the number of its first
sample, so a lost line shows as a gap of exactly the samples it held; closing a stream asks the
board how many it sent, so a lost last batch counts too. Samples wait in a bounded queue: a reader
that falls behind loses the oldest, counted in `.dropped`, never silently.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque, namedtuple
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import wire
from .errors import ConnectionLost, KitError, KitTimeout

if TYPE_CHECKING:
    from .board import Board

log = logging.getLogger(__name__)

TICKS_WRAP = 1 << 24  # event ticks are board ms modulo 2**24
IDX_WRAP = 1 << 16  # sample numbers in batch events wrap here
MAX_HZ = 1000
QUEUE_SECONDS = 30  # a stream keeps at most this many seconds of unread samples (and at least 1000)
LINE_BYTES = 11520  # 115200 baud, 8N1: bytes a second on the wire
BATCH_OVERHEAD = 35  # bytes of a batch line besides its samples (the longest header and checksum)
MAX_LINE = 512


@dataclass(frozen=True)
class Source:
    """What the board samples, and how a sample's characters turn into named values."""

    words: tuple[str, ...]  # SOURCE as the `stream` verb takes it
    args: tuple[object, ...]  # its trailing ARGS (I2C pins)
    fields: tuple[str, ...]  # value names: ("x", "y", "z"), ("level",)
    units: str  # of every field: "g", "0-1", "0-1023"
    chars: int  # characters per value on the wire
    offset: int  # subtracted from each decoded value (signed values)
    per_unit: int | None  # raw counts per unit (1000 mg per g); None keeps whole numbers

    @property
    def sample_chars(self) -> int:
        return self.chars * len(self.fields)


def wire_limit(sample_chars: int) -> float:
    """Samples a second the 115200-baud line carries in the fullest batches of this size of sample."""
    per_line = (MAX_LINE - BATCH_OVERHEAD) // sample_chars
    return LINE_BYTES / (sample_chars + BATCH_OVERHEAD / per_line)


@lru_cache(maxsize=None)
def sample_type(fields: tuple[str, ...]) -> type:
    """The namedtuple class of samples with these fields (timestamp first)."""
    return namedtuple("Sample", ("timestamp",) + fields)


def decode(source: Source, data: str) -> list[tuple[float | int, ...]]:
    """The values of each sample in a batch's DATA word."""
    width, count = source.chars, len(source.fields)
    if not data or len(data) % (width * count):
        raise ValueError(f"a batch of {len(data)} characters is not whole samples of {width * count}")
    values: list[float | int] = []
    for i in range(0, len(data), width):
        v = 0
        for c in data[i:i + width]:
            v = v * 64 + ord(c) - 48
        v -= source.offset
        values.append(v if source.per_unit is None else v / source.per_unit)
    return [tuple(values[i:i + count]) for i in range(0, len(values), count)]


class Streamable:
    """A device the board can sample at a steady rate: `stream(hz)` and board.record() use it."""

    board: Board
    name: str

    def _stream_source(self) -> Source:
        raise NotImplementedError

    def stream(self, hz: float = 50, *, batch: int | None = None) -> Stream:
        """Start sampling `hz` times a second (1..1000), `batch` samples a line (None: the board
        picks, about 10 lines a second). Iterate it for samples; close it (or use `with`) to stop.
        A rate the line cannot carry is lowered: see the stream's `.hz` and `.warning`."""
        return hub(self.board).open(self._stream_source(), hz, batch, self.name)


class Stream:
    """One running stream: an iterator of samples, and a context manager that stops it."""

    def __init__(self, hub: StreamHub, sid: int, source: Source, hz: float, batch: int | None, name: str) -> None:
        self.hub, self.id, self.source, self.name = hub, sid, source, name
        self.requested_hz = hz
        self.hz = hz
        self.batch = batch or 0
        self.received = 0  # samples that arrived
        self.lost = 0  # samples the board sent (or skipped) that never arrived
        self.dropped = 0  # samples that arrived but were thrown away because nobody read them in time
        self.warning: str | None = None
        self.sample = sample_type(source.fields)
        self._queue: deque[Any] = deque()
        self._limit = 1000
        self._next_idx = 0
        self._sent: int | None = None  # the board's count, once stopped
        self._ended: str | None = None
        self.closed = False

    # reading

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        cond = self.hub.cond
        deadline = time.monotonic() + self._patience()
        with cond:
            while not self._queue:
                if self.closed:
                    raise StopIteration
                self._raise_if_ended()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise KitTimeout(f"the {self.name} stream sent nothing for {self._patience():g} s; "
                                     "is the board still connected?")
                cond.wait(min(left, 0.1))
            return self._queue.popleft()

    def take(self, timeout: float = 0.0) -> list[Any]:
        """Every sample waiting now; waits up to `timeout` s for at least one ([] if none came)."""
        cond = self.hub.cond
        deadline = time.monotonic() + timeout
        with cond:
            while not self._queue and not self.closed:
                self._raise_if_ended()
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                cond.wait(min(left, 0.1))
            samples = list(self._queue)
            self._queue.clear()
        return samples

    def _patience(self) -> float:
        return max(2.0, 3 * max(self.batch, 1) / self.hz + 1)

    def _raise_if_ended(self) -> None:
        if self._ended is not None:
            raise ConnectionLost(self._ended)
        self.hub.board.check()

    # the hub calls these, on the event thread

    def _on_batch(self, ticks: int, idx: int, data: str) -> None:
        rows = decode(self.source, data)
        start = self.hub.unwrap(ticks) / 1000
        period = 1 / self.hz
        gap = (idx - self._next_idx) % IDX_WRAP
        if gap:
            self.lost += gap
            log.warning("%s stream: %d sample(s) lost", self.name, gap)
        self._next_idx = (idx + len(rows)) % IDX_WRAP
        self.received += len(rows)
        new = [self.sample(round(start + k * period, 6), *values) for k, values in enumerate(rows)]
        over = len(self._queue) + len(new) - self._limit
        if over > 0:
            for _ in range(min(over, len(self._queue))):
                self._queue.popleft()
            self.dropped += over
            log.warning("%s stream: the reader fell behind; %d sample(s) dropped", self.name, over)
            new = new[-self._limit:]
        self._queue.extend(new)

    def _end(self, reason: str) -> None:
        if self._ended is None and not self.closed:
            self._ended = reason
            log.warning("%s stream: %s", self.name, reason)

    # stopping

    def close(self) -> None:
        """Stop the stream on the board (idempotent). Samples not yet read stay readable by take()."""
        if self.closed:
            return
        try:
            if self._ended is None:
                sent = int(self.hub.board.request("stream", self.id, 0).split()[0])
                self._settle(sent)
        except KitError as exc:
            log.debug("stopping the %s stream: %s", self.name, exc)
        finally:
            self.hub.forget(self)
            with self.hub.cond:
                self.closed = True
                self.hub.cond.notify_all()

    def _settle(self, sent: int) -> None:
        # batches sent before the answer may still be on the event thread: wait for them, briefly
        cond = self.hub.cond
        deadline = time.monotonic() + 1.0
        with cond:
            while self.received + self.lost < sent and time.monotonic() < deadline:
                cond.wait(0.05)
            missing = sent - self.received - self.lost
            if missing > 0:
                self.lost += missing
                log.warning("%s stream: its last %d sample(s) never arrived", self.name, missing)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<Stream {self.name} {self.hz:g} Hz: {self.received} received, {self.lost} lost, "
                f"{self.dropped} dropped>")


class StreamHub:
    """A board's streams: ids, the batch events, and board time unwrapped from its 24-bit ticks."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.cond = threading.Condition()
        self._streams: dict[int, Stream] = {}
        self._ticks: int | None = None  # last raw ticks seen
        self._time = 0  # unwrapped ms
        board._client.add_handler(self._on_event)

    def open(self, source: Source, hz: float, batch: int | None, name: str) -> Stream:
        if isinstance(hz, bool) or not isinstance(hz, (int, float)) or not 1 <= hz <= MAX_HZ:
            raise ValueError(f"hz must be 1..{MAX_HZ} samples a second, not {hz!r}")
        if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
            raise ValueError(f"batch must be a whole number of samples (1 or more) or None, not {batch!r}")
        with self.cond:
            sid = next((i for i in range(1, 100) if i not in self._streams), None)
            if sid is None:
                raise ValueError("99 streams are open on this board: close some first")
            stream = Stream(self, sid, source, round(hz), batch, name)
            self._streams[sid] = stream  # before asking: a rate warning comes before the answer
        try:
            answer = self.board.request("stream", sid, *source.words, round(hz), batch or 0, *source.args)
            got_hz, got_batch = (int(w) for w in answer.split()[:2])
        except BaseException:
            self.forget(stream)
            raise
        stream.hz, stream.batch = got_hz, got_batch
        stream._limit = max(1000, got_hz * QUEUE_SECONDS)
        if got_hz != stream.requested_hz and stream.warning is None:
            stream.warning = f"the line carries at most {got_hz} Hz of this stream now; it runs at {got_hz} Hz"
        return stream

    def forget(self, stream: Stream) -> None:
        with self.cond:
            if self._streams.get(stream.id) is stream:
                del self._streams[stream.id]

    def unwrap(self, ticks: int) -> int:
        """Board ms since an arbitrary start, from 24-bit ticks (steps under 2**23 ms either way)."""
        if self._ticks is None:
            self._time = ticks
        else:
            step = (ticks - self._ticks) % TICKS_WRAP
            self._time += step - TICKS_WRAP if step >= TICKS_WRAP // 2 else step
        self._ticks = ticks
        return self._time

    def _on_event(self, event: wire.Event) -> None:
        if event.name == "s" and len(event.args) == 3:
            with self.cond:
                stream = self._streams.get(_int(event.args[0]))
                if stream is None:
                    return
                try:
                    stream._on_batch(event.ticks, int(event.args[1]), event.args[2])
                except ValueError as exc:
                    log.warning("ignored a broken %s batch: %s", stream.name, exc)
                self.cond.notify_all()
        elif event.name == "warn" and event.args[:2] == ("E_RATE", "stream") and len(event.args) == 5:
            stream = self._streams.get(_int(event.args[2]))
            text = (f"{event.args[3]} Hz is more than the line carries next to the other streams; "
                    f"lowered to {event.args[4]} Hz")
            log.warning("%s stream: %s", stream.name if stream else "a", text)
            if stream is not None:
                stream.warning = text
        elif event.name == "boot":
            with self.cond:
                for stream in list(self._streams.values()):
                    stream._end("the board restarted, which stopped the stream; start it again")
                self._streams.clear()
                self.cond.notify_all()


def _int(word: str) -> int:
    return int(word) if word.isdigit() else -1


def hub(board: Board) -> StreamHub:
    """The board's StreamHub, made on first use."""
    found = board.__dict__.get("_stream_hub")
    if found is None:
        found = board.__dict__["_stream_hub"] = StreamHub(board)
    return found


def accel_source(bus: Sequence[int]) -> Source:
    return Source(("accel",), tuple(bus), ("x", "y", "z"), "g", 3, 131072, 1000)


def level_source(quantity: str, pin: int | None, field: str = "level") -> Source:
    if pin is not None:
        return Source((str(pin),), (), (field,), "0-1", 2, 0, 1023)
    return Source((quantity,), (), (field,), "0-1", 2, 0, 255)


def analog_source(pin: int) -> Source:
    """A pin's analog reading as whole numbers 0..1023."""
    return Source((str(pin),), (), ("value",), "0-1023", 2, 0, None)


def all_of(streams: Sequence[Stream], callback: Callable[[Stream, list[Any]], None], until: float) -> None:
    """Hand each stream's new samples to callback(stream, samples) until time.monotonic() >= until."""
    cond = streams[0].hub.cond if streams else threading.Condition()
    while time.monotonic() < until:
        got = False
        for stream in streams:
            samples = stream.take()
            if samples:
                got = True
                callback(stream, samples)
        if not got:
            with cond:
                if not any(s._queue for s in streams):
                    for s in streams:
                        s._raise_if_ended()
                    cond.wait(min(0.1, max(until - time.monotonic(), 0)))
    for stream in streams:
        samples = stream.take()
        if samples:
            callback(stream, samples)
