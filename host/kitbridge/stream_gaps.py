"""Gaps in a stream: the outages (a reconnect, a board reset) it went on after, and their counting.

A stream's samples are due at fixed times of the board's clock. An outage's samples are the ones the
run before it would have taken after its last sample arrived and before the next run's first one
came, plus those it sent that never arrived: exact while the board's clock ran on through the
outage; unknown (None) when it restarted, as its times before and after cannot be compared.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    """An outage (a reconnect, a board reset) a stream went on after.

    `start`, `end`: board seconds of the last sample before it and the first sample of the stream's
    new run after it (None: no sample came before, or the stream was closed during the outage; with
    the deadman off the board streams on, so what it sent after the link came back lies between the
    two and arrives as usual). `lost`: the samples missed
    between the two at the stream's rate (sent and lost, or never taken), all counted in Stream.lost
    too; None when the board's clock cannot tell (it restarted, so its times before and after are
    not comparable): then Stream.lost holds only those the board said it sent."""

    start: float | None
    end: float | None
    lost: int | None
    reason: str  # "reconnect", "reset", or "closed during an outage"

    def __str__(self) -> str:
        span = "" if self.start is None or self.end is None else f" of {self.end - self.start:.3f} s"
        if self.lost is not None:
            return f"a gap{span} ({self.reason}): {self.lost} sample(s) lost"
        why = "the stream was closed during it" if self.end is None else "the board's clock restarted"
        return f"a gap{span} ({self.reason}): an unknown number of samples lost ({why})"


@dataclass
class PendingGap:
    """An outage whose end the first batch of the stream's next run tells."""

    start: float | None  # board seconds of the last sample before it
    lost_before: int  # Stream.lost then
    t0: int | None  # board ms at which sample 0 of the run before was due (None: no batch came)
    hz: int  # that run's rate
    count: int  # the samples that run sent
    clock_ok: bool  # the board's clock ran on through the outage: the gap can be counted
    reason: str

    def due(self, end_ms: int | None) -> int | None:
        """Samples the old run would have taken after its last one and before `end_ms` (None: unknown)."""
        if not self.clock_ok or self.t0 is None or end_ms is None:
            return None
        return max(0, -(-(end_ms - self.t0) * self.hz // 1000) - self.count)
