"""Plots of sensor data with matplotlib (the `plot` extra): a recording's CSV, or live streams.

    from kitbridge.plotting import plot_recording
    plot_recording("data.csv", save="data.png")     # no window: the Agg backend
"""

from __future__ import annotations

import csv
import os
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import KitError

if TYPE_CHECKING:
    from .board import Board
    from .streams import Stream

WINDOW_SECONDS = 10  # a live plot shows the last this many seconds


def _pyplot(headless: bool) -> Any:
    try:
        import matplotlib
    except ImportError:
        raise KitError("plotting needs matplotlib: pip install 'kitbridge[plot]'") from None
    if headless:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def read_recording(path: str | os.PathLike[str]) -> dict[str, dict[str, list[float]]]:
    """device -> {"time [s]": [...], "<device>.<field> [unit]": [...]} from a board.record() CSV."""
    data: dict[str, dict[str, list[float]]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        try:
            columns = next(reader)
        except StopIteration:
            raise ValueError(f"{path} is empty: not a kitbridge recording") from None
        if columns[:2] != ["time [s]", "device"]:
            raise ValueError(f"{path} does not start with the columns 'time [s],device': not a kitbridge recording")
        for row in reader:
            if len(row) < len(columns) - ("label" in columns):
                continue  # a last line cut short
            device = data.setdefault(row[1], {"time [s]": []})
            device["time [s]"].append(float(row[0]))
            for name, cell in zip(columns[2:], row[2:]):
                if cell and name.startswith(row[1] + "."):
                    device.setdefault(name, []).append(float(cell))
    return data


def _draw(plt: Any, data: dict[str, dict[str, list[float]]], title: str) -> Any:
    figure, axes = plt.subplots(max(len(data), 1), 1, sharex=True, squeeze=False, figsize=(9, 2.6 * max(len(data), 1)))
    for ax, (device, columns) in zip(axes[:, 0], data.items()):
        times = columns["time [s]"]
        for name, values in columns.items():
            if name != "time [s]":
                ax.plot(times[:len(values)], values, label=name.split(".", 1)[1], linewidth=1)
        ax.set_ylabel(device)
        ax.legend(loc="upper right", fontsize="small")
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("board time [s]")
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_recording(path: str | os.PathLike[str], save: str | os.PathLike[str] | None = None) -> None:
    """Plot a recording: in a window, or into the image file `save` (PNG, SVG, PDF by its name)."""
    data = read_recording(path)
    plt = _pyplot(headless=save is not None)
    figure = _draw(plt, data, Path(path).name)
    if save is not None:
        figure.savefig(save, dpi=100)
        plt.close(figure)
    else:
        plt.show()


def plot_live(board: Board, devices: list[Any], seconds: float | None = None, hz: float = 50,
              save: str | os.PathLike[str] | None = None) -> None:
    """Stream `devices` and plot them as the samples come: the last 10 s in a window until it is
    closed (or `seconds` pass); with `save`, no window: `seconds` (default 5) of data into that file."""
    plt = _pyplot(headless=save is not None)
    streams: list[Stream] = []
    try:
        for d in devices:
            streams.append(d.stream(hz))
        keep = int(WINDOW_SECONDS * hz) if save is None else None
        buffers = {s.name: deque(maxlen=keep) for s in streams}

        def pull() -> None:
            for s in streams:
                buffers[s.name].extend(s.take())

        if save is not None:
            until = time.monotonic() + (seconds or 5)
            while time.monotonic() < until:
                streams[0].take(min(0.2, max(until - time.monotonic(), 0)))  # waits; re-read below
                pull()
            pull()
            figure = _draw(plt, _as_columns(streams, buffers), f"{board.kind} live")
            figure.savefig(save, dpi=100)
            plt.close(figure)
            return
        _animate(plt, board, streams, buffers, pull, seconds)
    finally:
        for s in streams:
            s.close()


def _as_columns(streams: list[Stream], buffers: dict[str, deque[Any]]) -> dict[str, dict[str, list[float]]]:
    data = {}
    for s in streams:
        samples = list(buffers[s.name])
        columns = {"time [s]": [x.timestamp for x in samples]}
        for i, f in enumerate(s.source.fields):
            columns[f"{s.name}.{f} [{s.source.units}]"] = [x[i + 1] for x in samples]
        data[s.name] = columns
    return data


def _animate(plt: Any, board: Board, streams: list[Stream], buffers: dict[str, deque[Any]], pull: Any,
             seconds: float | None) -> None:
    figure = _draw(plt, _as_columns(streams, buffers), f"{board.kind} live (close the window to stop)")
    until = None if seconds is None else time.monotonic() + seconds
    while plt.fignum_exists(figure.number) and (until is None or time.monotonic() < until):
        pull()
        data = _as_columns(streams, buffers)
        for ax, (device, columns) in zip(figure.axes, data.items()):
            for line, (name, values) in zip(ax.get_lines(), [(n, v) for n, v in columns.items() if n != "time [s]"]):
                line.set_data(columns["time [s]"], values)
            ax.relim()
            ax.autoscale_view()
        plt.pause(0.05)
    plt.close(figure)
