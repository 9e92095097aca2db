"""Work on many boards at once: one thread and one progress line per board, then a summary table.

Shared by `deploy`, `flash` and `label`; a board's failure is its row's reason, never the others'.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from .. import discover
from ..errors import BoardNotFound, KitError

Step = Callable[..., None]  # step(text, done=None, total=None): what the board's job does now


@dataclass
class Outcome:
    """One board's result: its row in the summary table."""

    port: str
    kind: str = "?"
    label: str = ""
    ok: bool = False
    seconds: float = 0.0
    reason: str = ""


Job = Callable[[str, Step], Outcome]


def recognised_ports() -> list[str]:
    """The serial ports whose USB ids match a board kind (for --all); BoardNotFound if none."""
    ports = [p.device for p in discover.serial_ports() if p.candidates]
    if not ports:
        raise BoardNotFound("--all found no kit board on the serial ports; plug the boards in "
                            "(`kitbridge list` shows what is there)")
    return ports


def chosen_ports(ports: list[str] | None, everything: bool) -> list[str]:
    """--port values (duplicates dropped) or, with --all, every recognised port."""
    if everything and ports:
        raise ValueError("give --port or --all, not both")
    if everything:
        return recognised_ports()
    if not ports:
        raise ValueError("name the boards with --port PORT (repeat it for several) or use --all")
    return list(dict.fromkeys(ports))


def run_parallel(ports: Iterable[str], job: Job, console: Console, title: str) -> list[Outcome]:
    """Run `job` on every port at once; a progress line per board, then the summary table."""
    ports = list(ports)
    columns = (TextColumn("{task.fields[port]}"), TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, console=console) as bar:
        tasks = {port: bar.add_task("waiting", total=None, port=port) for port in ports}

        def work(port: str) -> Outcome:
            task = tasks[port]

            def step(text: str, done: int | None = None, total: int | None = None) -> None:
                bar.update(task, description=escape(text), completed=done or 0, total=total or None)

            started = time.monotonic()
            try:
                outcome = job(port, step)
            except (KitError, OSError, ValueError) as exc:
                outcome = Outcome(port, reason=str(exc))
            outcome.seconds = time.monotonic() - started
            end = "[green]done[/green]" if outcome.ok else f"[red]failed: {escape(first_line(outcome.reason))}[/red]"
            bar.update(task, description=end)
            return outcome

        with ThreadPoolExecutor(max_workers=max(1, len(ports))) as pool:
            results = list(pool.map(work, ports))
    console.print(summary(results, title))
    return results


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def summary(results: list[Outcome], title: str) -> Table:
    table = Table(title=title)
    for name in ("port", "board kind", "label", "result", "seconds", "reason"):
        table.add_column(name, justify="right" if name == "seconds" else "left")
    for r in results:
        table.add_row(escape(r.port), r.kind, escape(r.label), "[green]ok[/green]" if r.ok else "[red]FAILED[/red]",
                      f"{r.seconds:.1f}", escape(r.reason))
    ok = sum(r.ok for r in results)
    table.caption = f"{ok} of {len(results)} boards ok" + ("" if ok == len(results) else f", {len(results) - ok} failed")
    return table
