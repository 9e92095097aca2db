"""Streams: a sensor sampled by the board at a fixed rate, its samples sent in batches.

    with board.accelerometer.stream(hz=100) as samples:
        for s in samples:               # s.timestamp (board seconds), s.x, s.y, s.z (g)
            ...
        lost = samples.lost             # samples that never arrived (gaps in their numbers)

The wire format is docs/protocol.md section 15. Each batch event carries the number of its first
sample, so a lost line shows as a gap of exactly the samples it held; closing a stream asks the
board how many it sent, so a lost last batch counts too. Samples wait in a bounded queue: a reader
that falls behind loses the oldest, counted in `.dropped`, never silently.

A stream outlives a pulled cable and a board reset: after board.reconnect() (or with
Board(port, reconnect=True)) and after a reset the board is asked to stream again, and samples
go on arriving through the same Stream. Each outage is one entry of `.gaps` (stream_hub.py,
docs/reliability.md).
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

from .errors import ConnectionLost, KitError, KitTimeout
from .stream_gaps import Gap, PendingGap

if TYPE_CHECKING:
    from .board import Board
    from .stream_hub import StreamHub

log = logging.getLogger(__name__)

TICKS_WRAP = 1 << 24  # event ticks are board ms modulo 2**24
IDX_WRAP = 1 << 16  # sample numbers in batch events wrap here
MAX_HZ = 1000
QUEUE_SECONDS = 30  # a stream keeps at most this many seconds of unread samples (and at least 1000)
LINE_BYTES = 11520  # 115200 baud, 8N1: bytes a second on the wire
BATCH_OVERHEAD = 35  # bytes of a batch line besides its samples (the longest header and checksum)
MAX_LINE = 512
RESUME_WAIT = 10.0  # with auto-reconnect a reader waits this long for the board to come back, then raises


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
        from .stream_hub import hub

        return hub(self.board).open(self._stream_source(), hz, batch, self.name)


class Stream:
    """One running stream: an iterator of samples, and a context manager that stops it."""

    def __init__(self, hub: StreamHub, sid: int, source: Source, hz: float, batch: int | None, name: str) -> None:
        self.hub, self.id, self.source, self.name = hub, sid, source, name
        self.requested_hz = hz
        self.hz = hz
        self.batch = batch or 0
        self.received = 0  # samples that arrived
        self.lost = 0  # samples that never arrived: lost on the line, skipped by the board, missed in outages
        self.dropped = 0  # samples that arrived but were thrown away because nobody read them in time
        self.warning: str | None = None
        self.gaps: list[Gap] = []  # outages (a reconnect, a board reset) the stream resumed after
        self.sample = sample_type(source.fields)
        self._queue: deque[Any] = deque()
        self._limit = 1000
        self._batch_asked = batch
        # the board's current run of this stream (a new one after each outage)
        self._next_idx = 0  # IDX the next batch should have (mod IDX_WRAP)
        self._count = 0  # samples of this run accounted for: received or lost
        self._t0: int | None = None  # board ms (unwrapped) at which sample 0 of this run was due
        self._run_hz = round(hz)  # its rate, set in event order (an E_RATE warning lowers it)
        self._gap: PendingGap | None = None  # an outage whose end the next run's first batch tells
        self._outage: tuple[float | None, int] | None = None  # (last sample time, .lost) as the link went
        self._down_since: float | None = None
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
                if self._down_since is not None:  # reconnecting: the wait for samples starts when it is back
                    deadline = time.monotonic() + self._patience()
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

    def _raise_if_ended(self, outage_wait: float | None = None) -> None:
        """Raise why no samples can come. While an auto-reconnect runs, wait (up to `outage_wait` s,
        RESUME_WAIT by default), then raise ConnectionLost; the stream goes on once the board is back."""
        outage_wait = RESUME_WAIT if outage_wait is None else outage_wait
        if self._ended is not None:
            raise ConnectionLost(self._ended)
        board = self.hub.board
        try:
            board.check()
        except ConnectionLost as exc:
            if not board.reconnecting:
                raise
            now = time.monotonic()
            if self._down_since is None:
                self._down_since = now
            elif now - self._down_since > outage_wait:
                self._down_since = None
                raise ConnectionLost(f"{exc}; still reconnecting after {outage_wait:g} s: the {self.name} "
                                     "stream goes on once the board is back") from None
            return
        self._down_since = None

    # the hub calls these, on the event thread

    def _on_batch(self, ticks: int, idx: int, data: str) -> None:
        rows = decode(self.source, data)
        start_ms = self.hub.unwrap(ticks)
        hz = self._run_hz
        gap = (idx - self._next_idx) % IDX_WRAP
        if gap:
            self.lost += gap
            log.warning("%s stream: %d sample(s) lost", self.name, gap)
        self._count += gap
        if self._t0 is None:
            self._t0 = start_ms - self._count * 1000 // hz
            if self._gap is not None:  # the first batch after an outage
                self._close_gap(self._t0)
        self._next_idx = (idx + len(rows)) % IDX_WRAP
        self._count += len(rows)
        self.received += len(rows)
        self.hub.note_clock(start_ms + (len(rows) - 1) * 1000 / hz)  # sent as its last sample was taken
        start, period = start_ms / 1000, 1 / hz
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

    # outages: StreamHub.resume() and the event thread call these (under hub.cond)

    def _outage_starts(self) -> None:
        """The link went: what is lost from here until the next run's first sample is this outage's."""
        if self._outage is None and self._gap is None:
            self._outage = (self._last_time(), self.lost)

    def _last_time(self) -> float | None:
        if self._t0 is None or not self._count:
            return None
        return (self._t0 + (self._count - 1) * 1000 // self._run_hz) / 1000

    def _new_run(self, sent: int, clock_ok: bool, reason: str) -> None:
        """The board's run of this stream ended having sent `sent` samples; a new run starts."""
        if self._gap is not None and self._t0 is None:
            self._gap.clock_ok &= clock_ok  # a run that never got a batch: the earlier gap spans it
        else:
            self._gap = self._pending_gap(clock_ok, reason)
            missing = sent - self._count
            if missing > 0:  # the board sent them (its count says so); they never arrived
                self.lost += missing
                self._gap.count = sent
        self._outage = None
        self._next_idx = self._count = 0
        self._t0 = None
        self._run_hz = round(self.requested_hz)

    def _pending_gap(self, clock_ok: bool, reason: str) -> PendingGap:
        start, lost_before = self._outage or (self._last_time(), self.lost)
        return PendingGap(start, lost_before, self._t0, self._run_hz, self._count, clock_ok, reason)

    def _close_gap(self, end_ms: int | None) -> None:
        pending, self._gap = self._gap, None
        if pending is None:
            return
        due = pending.due(end_ms)
        if due is not None:
            self.lost += due
        lost = None if due is None else self.lost - pending.lost_before
        gap = Gap(pending.start, None if end_ms is None else end_ms / 1000, lost, pending.reason)
        self.gaps.append(gap)
        log.warning("%s stream: %s", self.name, gap)

    # stopping

    def close(self) -> None:
        """Stop the stream on the board (idempotent). Samples not yet read stay readable by take()."""
        if self.closed:
            return
        try:
            if self._ended is None:
                sent = int(self.hub.board.request("stream", self.id, 0).split()[0])
                self._settle(sent)
        except ConnectionLost as exc:
            log.debug("stopping the %s stream: %s", self.name, exc)
            self.hub.owe_stop(self.id)  # the board may stream on: stopped once it is back
            with self.hub.cond:
                if self._gap is None and self._t0 is not None:
                    self._gap = self._pending_gap(False, "closed during an outage")
        except KitError as exc:
            log.debug("stopping the %s stream: %s", self.name, exc)
        finally:
            self.hub.forget(self)
            with self.hub.cond:
                if self._gap is not None:  # the stream ended inside an outage: its end is unknown
                    self._close_gap(None)
                self.closed = True
                self.hub.cond.notify_all()

    def _settle(self, sent: int) -> None:
        # batches sent before the answer may still be on the event thread: wait for them, briefly
        cond = self.hub.cond
        deadline = time.monotonic() + 1.0
        with cond:
            while self._count < sent and time.monotonic() < deadline:
                cond.wait(0.05)
            missing = sent - self._count
            if missing > 0:
                self.lost += missing
                self._count = sent
                log.warning("%s stream: its last %d sample(s) never arrived", self.name, missing)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<Stream {self.name} {self.hz:g} Hz: {self.received} received, {self.lost} lost, "
                f"{self.dropped} dropped, {len(self.gaps)} gap(s)>")


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
                        s._raise_if_ended(outage_wait=float("inf"))  # the recording's end bounds the wait
                    cond.wait(min(0.1, max(until - time.monotonic(), 0)))
    for stream in streams:
        samples = stream.take()
        if samples:
            callback(stream, samples)
