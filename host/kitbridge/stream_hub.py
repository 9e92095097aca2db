"""A board's streams: their ids, the batch events, board time, and bringing them back after an outage.

After a reconnect or a board reset the Board calls resume(): each open stream is stopped on the
board (its answer counts the samples that run sent) and started again with the same source, rate
and batch, under the same id. The samples missed in between are counted from the board's clock:
the samples the old run would have taken before the new run's first one. That needs the board's
clock to have run on through the outage, which a ping shows (its ticks are where the last ones
seen, plus the time since, put them); a board that restarted (power, reset) has a new clock, so
the outage becomes a Gap whose count is unknown, and board time is carried on by the host's clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from . import wire
from .errors import DeviceError, KitTimeout
from .streams import MAX_HZ, QUEUE_SECONDS, TICKS_WRAP, Source, Stream

if TYPE_CHECKING:
    from .board import Board

log = logging.getLogger(__name__)

# A board clock this close to where it should be after an outage is the same clock, not a new one
# after a restart (a ping answer is late by a few ms; a batch anchor by the event thread's lag).
CLOCK_SLACK_MS = 300
CLOCK_DRIFT = 0.002  # ...plus this share of the outage (a board's crystal is good to 0.01 %)


class StreamHub:
    """A board's streams: ids, the batch events, and board time unwrapped from its 24-bit ticks."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.cond = threading.Condition()
        self._streams: dict[int, Stream] = {}
        self._ticks: int | None = None  # last raw ticks seen
        self._time = 0  # unwrapped ms
        self._anchor: tuple[float, float] | None = None  # (board ms, time.monotonic()) at the latest batch
        self._stop_owed: set[int] = set()  # ids closed while the link was down: stopped once it is back
        board._client.add_handler(self._on_event)

    def open(self, source: Source, hz: float, batch: int | None, name: str) -> Stream:
        if isinstance(hz, bool) or not isinstance(hz, (int, float)) or not 1 <= hz <= MAX_HZ:
            raise ValueError(f"hz must be 1..{MAX_HZ} samples a second, not {hz!r}")
        if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
            raise ValueError(f"batch must be a whole number of samples (1 or more) or None, not {batch!r}")
        with self.cond:
            sid = next((i for i in range(1, 100) if i not in self._streams and i not in self._stop_owed), None)
            if sid is None:
                raise ValueError("99 streams are open on this board: close some first")
            stream = Stream(self, sid, source, round(hz), batch, name)
            self._streams[sid] = stream  # before asking: a rate warning comes before the answer
        try:
            got_hz, _ = self._start(stream)
        except BaseException:
            self.forget(stream)
            raise
        stream._limit = max(1000, got_hz * QUEUE_SECONDS)
        if got_hz != stream.requested_hz and stream.warning is None:
            stream.warning = f"the line carries at most {got_hz} Hz of this stream now; it runs at {got_hz} Hz"
        return stream

    def _start(self, stream: Stream) -> tuple[int, int]:
        source = stream.source
        answer = self.board.request("stream", stream.id, *source.words, stream.requested_hz,
                                    stream._batch_asked or 0, *source.args)
        got_hz, got_batch = (int(w) for w in answer.split()[:2])
        stream.hz, stream.batch = got_hz, got_batch
        return got_hz, got_batch

    def forget(self, stream: Stream) -> None:
        with self.cond:
            if self._streams.get(stream.id) is stream:
                del self._streams[stream.id]

    def owe_stop(self, sid: int) -> None:
        """Stream `sid` was closed while the link was down: stop it on the board once it is back."""
        with self.cond:
            self._stop_owed.add(sid)

    def end_all(self, reason: str) -> None:
        """Every open stream ends: reading one raises ConnectionLost(reason)."""
        with self.cond:
            for stream in list(self._streams.values()):
                stream._end(reason)
            self._streams.clear()
            self.cond.notify_all()

    # board time

    def unwrap(self, ticks: int) -> int:
        """Board ms since an arbitrary start, from 24-bit ticks (steps under 2**23 ms either way)."""
        self._time = ticks if self._ticks is None else self._near(ticks, self._time, self._ticks)
        self._ticks = ticks
        return self._time

    @staticmethod
    def _near(ticks: int, ms: int, ms_ticks: int) -> int:
        """The board ms whose ticks are `ticks`, nearest to `ms` (whose ticks are `ms_ticks`)."""
        step = (ticks - ms_ticks) % TICKS_WRAP
        return ms + (step - TICKS_WRAP if step >= TICKS_WRAP // 2 else step)

    def note_clock(self, board_ms: float) -> None:
        """A batch came now whose last sample was due at `board_ms`: where the board's clock stood."""
        self._anchor = (board_ms, time.monotonic())

    # after an outage

    def outage_starts(self) -> None:
        """The link is gone: each open stream notes where its samples stopped (after the events read
        before the loss were handled), so all it loses until it runs again counts in one gap."""
        with self.cond:
            streams = [s for s in self._streams.values() if not s.closed]

        def note() -> None:
            with self.cond:
                for stream in streams:
                    stream._outage_starts()
        try:
            self.board._client.barrier(note)
        except KitTimeout as exc:
            log.warning("%s: %s", self.board.port, exc)

    def resume(self, reason: str) -> None:
        """Start every open stream again on the board, after a reconnect ("reconnect") or a board reset
        ("reset"). Called by the Board from the thread that restores it; raises what a request raises
        (the Board tries again), except a stream the board now refuses, which ends."""
        with self.cond:
            streams = [s for s in self._streams.values() if not s.closed and s._ended is None]
            owed = sorted(self._stop_owed)
        if not streams and not owed:
            return
        clock_ok = self._check_clock(reason)
        for sid in owed:
            self.board.request("stream", sid, 0)
            with self.cond:
                self._stop_owed.discard(sid)
        for stream in streams:
            try:
                sent = int(self.board.request("stream", stream.id, 0).split()[0])
            except DeviceError:  # the board cannot stream (any more): the start below says why
                sent = 0
            # the old run's batches all came before that answer: account them first, then the new run
            self.board._client.barrier(self._locked(stream, partial(stream._new_run, sent, clock_ok, reason)))
            try:
                self._start(stream)
            except DeviceError as exc:  # e.g. the line is full now
                with self.cond:
                    stream._end(f"the board would not start the {stream.name} stream again after the {reason}: {exc}")
                    self.cond.notify_all()
                self.forget(stream)
                continue
            if stream.closed:  # closed meanwhile (its own stop could not get through): stop it now
                self.board.request("stream", stream.id, 0)
                with self.cond:
                    self._stop_owed.discard(stream.id)
        log.info("%s: %d stream(s) going again after the %s (%s)", self.board.port, len(streams), reason,
                 "samples missed counted" if clock_ok else "the board's clock restarted: gaps not counted")

    def _locked(self, stream: Stream, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self.cond:
                if not stream.closed:
                    action()
                self.cond.notify_all()
        return run

    def _check_clock(self, reason: str) -> bool:
        """Ask the board's ticks and set board time by them; True if its clock ran on through the outage."""
        ticks = int(self.board.request("ping").split()[0])
        now = time.monotonic()
        with self.cond:
            anchors = [self._anchor] if self._anchor is not None else []
            seen = self.board._client.clock_at_loss  # the last ping answer before the link went
            if reason == "reconnect" and seen is not None and self._ticks is not None:
                anchors.append((self._near(seen[0], self._time, self._ticks), seen[1]))
            if not anchors or self._ticks is None:  # nothing streamed yet: no board time to carry on
                return False
            ms, at = max(anchors, key=lambda a: a[1])
            expected = round(ms + (now - at) * 1000)
            near = self._near(ticks, expected, (self._ticks + expected - self._time) % TICKS_WRAP)
            ok = reason == "reconnect" and abs(near - expected) <= CLOCK_SLACK_MS + CLOCK_DRIFT * (now - at) * 1000
            self._ticks, self._time = ticks, (near if ok else expected)
        if not ok:
            log.info("%s: the board's clock restarted (%s); board time goes on by the host's clock",
                     self.board.port, reason)
        return ok

    # events

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
            if stream is not None and _int(event.args[4]) > 0:
                with self.cond:
                    stream.warning = text
                    stream._run_hz = stream.hz = _int(event.args[4])  # in event order: before its batches


def _int(word: str) -> int:
    return int(word) if word.isdigit() else -1


def hub(board: Board) -> StreamHub:
    """The board's StreamHub, made on first use."""
    found = board.__dict__.get("_stream_hub")
    if found is None:
        found = board.__dict__["_stream_hub"] = StreamHub(board)
    return found
