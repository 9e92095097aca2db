"""Recording streams to CSV as they arrive: board.record([...], seconds=10, path="data.csv").

Each batch of samples is written in one write and flushed at once, so a crash or a pulled cable
loses at most the batch in flight. One row per sample:

    time [s],device,accelerometer.x [g],accelerometer.y [g],accelerometer.z [g],light.level [0-1],label
    12.345,accelerometer,0.012,-0.004,-1.002,,
    12.347,light,,,,0.5,

`time` is board time in seconds (one clock for all devices); a row leaves the other devices'
columns empty. Rows come batch by batch, so times interleave between devices.

With Board(port, reconnect=True) a recording goes on through a pulled cable: the rows stop during
the outage and go on after it; the samples missed are in `Recording.lost` and each outage is in
`Recording.gaps` (its `lost` is None when the board restarted, so the count is unknown).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from .stream_gaps import Gap
from .streams import Stream, Streamable, all_of

if TYPE_CHECKING:
    from .board import Board

log = logging.getLogger(__name__)

Label = Union[None, str, Callable[[], object], Any]  # None, "keyboard", a callback, or a Button


@dataclass
class Recording:
    """What board.record() wrote: the file, rows per device, samples lost or dropped, and outages."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    hz: dict[str, int] = field(default_factory=dict)
    gaps: dict[str, list[Gap]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def header(streams: Sequence[Stream], labelled: bool) -> list[str]:
    columns = ["time [s]", "device"]
    for s in streams:
        columns += [f"{s.name}.{f} [{s.source.units}]" for f in s.source.fields]
    return columns + (["label"] if labelled else [])


def record(board: Board, devices: Sequence[Streamable], seconds: float, path: str | os.PathLike[str],
           label: Label = None, hz: float = 50) -> Recording:
    """Stream `devices` for `seconds` and write every sample to the CSV file `path` as it comes.

    label: None (no label column); a function called once per batch whose result labels the
    batch's rows; a Button (its rows read 1 while it is held, else 0); or "keyboard" (each line
    typed on standard input becomes the label of the rows after it; an empty line clears it)."""
    if not devices:
        raise ValueError("record needs at least one device, e.g. [board.accelerometer]")
    for d in devices:
        if not isinstance(d, Streamable):
            raise TypeError(f"{d!r} cannot be streamed; give sensors such as board.accelerometer or board.light")
    names = [d.name for d in devices]
    if len(set(names)) != len(names):
        raise ValueError(f"each device once, please: {', '.join(names)}")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds <= 0:
        raise ValueError(f"seconds must be a positive number, not {seconds!r}")
    read_label = _labeller(label)
    out = Path(path)
    streams: list[Stream] = []
    result = Recording(out)
    write: Callable[[Stream, list[Any]], None] | None = None
    with open(out, "wb", buffering=0) as f:
        try:
            for d in devices:
                streams.append(d.stream(hz))
            columns = header(streams, read_label is not None)
            f.write((",".join(columns) + "\n").encode("utf-8"))
            first = {s.name: 2 + sum(len(t.source.fields) for t in streams[:i]) for i, s in enumerate(streams)}

            def write_batch(stream: Stream, samples: list[Any]) -> None:
                tag = "" if read_label is None else _cell(read_label())
                width = len(columns)
                lines = []
                for sample in samples:
                    row = [""] * width
                    row[0] = "%.6f" % sample.timestamp
                    row[1] = stream.name
                    at = first[stream.name]
                    for i, v in enumerate(sample[1:]):
                        row[at + i] = "%.6g" % v
                    if read_label is not None:
                        row[-1] = tag
                    lines.append(",".join(row))
                f.write(("\n".join(lines) + "\n").encode("utf-8"))  # one write: a whole batch or none
                result.rows[stream.name] = result.rows.get(stream.name, 0) + len(samples)

            write = write_batch
            all_of(streams, write, time.monotonic() + seconds)
        finally:
            for s in streams:
                s.close()
            for s in streams:
                rest = s.take()
                if rest and write is not None:
                    write(s, rest)
                result.lost[s.name], result.dropped[s.name], result.hz[s.name] = s.lost, s.dropped, s.hz
                result.gaps[s.name] = list(s.gaps)
    for name, n in result.lost.items():
        if n:
            log.warning("recording %s: %d %s sample(s) lost on the line", out, n, name)
        for gap in result.gaps.get(name, []):
            log.warning("recording %s: %s has %s", out, name, gap)
    return result


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if any(c in text for c in ',"\n\r'):
        text = '"' + text.replace('"', '""').replace("\n", " ").replace("\r", " ") + '"'
    return text


def _labeller(label: Label) -> Callable[[], object] | None:
    if label is None:
        return None
    if label == "keyboard":
        return _Keyboard().current
    if hasattr(label, "is_pressed") and hasattr(label, "wait_for_press"):
        button = label
        return lambda: 1 if button.is_pressed else 0
    if callable(label):
        return label
    raise TypeError(f"label must be None, a function, a button or \"keyboard\", not {label!r}")


class _Keyboard:
    """The last line typed on standard input, read by a background thread."""

    def __init__(self) -> None:
        self.text = ""
        threading.Thread(target=self._read, name="kitbridge-label-keys", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.text = line.strip()

    def current(self) -> str:
        return self.text
