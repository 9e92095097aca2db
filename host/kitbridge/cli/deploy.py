"""`kitbridge deploy --port P [--port Q ...] | --all`: copy the kit firmware onto boards running MicroPython.

One board: its progress bar and a line about what was sent. Several: all at once, a progress
line per board and a summary table (cli/classroom.py); exit status 1 if any board failed.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from ..boards import board_kinds, load_board
from ..deploy import deploy
from ..deploy.detect import detect_kind
from ..errors import DeployError, KitError
from ..link.label_link import resolve_port
from ..link.rawrepl import RawRepl
from ..link.serial_link import SerialLink
from ..probe import ask
from .classroom import Job, Outcome, Step, chosen_ports, run_parallel

HELLO_WAIT = 0.3  # a running agent answers at once; one that does not costs only this


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", action="append",
                        help="serial port or label:NAME of a board (repeat for several boards)")
    parser.add_argument("--all", action="store_true", help="every board plugged in, at once")
    parser.add_argument("--board", choices=board_kinds(), help="board kind (default: ask the board)")
    parser.add_argument("--force", action="store_true", help="send every file, even unchanged ones")


def deploy_one(port: str, kind: str | None, force: bool, console: Console) -> bool:
    try:
        port = resolve_port(port)
        link = SerialLink(port, pty=port.startswith("/dev/pts/"))
    except KitError as exc:
        console.print(f"[red]{port}: {exc}[/red]")
        return False
    try:
        repl = RawRepl(link.port_object, name=port)
        if kind is None:
            kind, machine = detect_kind(repl)
            if kind is None:
                raise DeployError(f"cannot tell which board '{machine}' is; name it with --board "
                                  f"({', '.join(board_kinds())})")
        spec = load_board(kind)
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task(f"{port} {kind}", total=None)

            def progress(name: str, done: int, size: int) -> None:
                bar.update(task, description=f"{port} {name}", completed=done, total=size or None)

            report = deploy(repl, spec, progress=progress, force=force)
    except KitError as exc:
        console.print(f"[red]{port}: deploy failed: {exc}[/red]")
        return False
    finally:
        link.close()
    sent = ", ".join(report.files_sent) or "nothing (all files unchanged)"
    console.print(f"{port}: kit firmware {report.firmware} on {report.board} in {report.seconds:.1f} s; "
                  f"sent {sent}; {report.bytes_on_wire} bytes on the wire; "
                  f"free memory {report.heap if report.heap is not None else '?'} bytes")
    return True


def board_kind(link: SerialLink, repl: RawRepl, port: str, step: Step) -> str:
    """The kind the running agent says, else the one MicroPython's os.uname() gives."""
    step("asking the board")
    said = ask(link, port, HELLO_WAIT)
    if said.kind in board_kinds():
        return said.kind
    kind, machine = detect_kind(repl)
    if kind is None:
        raise DeployError(f"cannot tell which board '{machine}' is; name it with --board ({', '.join(board_kinds())})")
    return kind


def deploy_job(kind: str | None, force: bool, label: str | None = None) -> Job:
    """One board's deploy for run_parallel; `label` None keeps the board's label."""

    def job(port: str, step: Step) -> Outcome:
        outcome = Outcome(port, kind or "?")
        try:
            device = resolve_port(port)
            link = SerialLink(device, pty=device.startswith("/dev/pts/"))
        except KitError as exc:
            outcome.reason = str(exc)
            return outcome
        try:
            repl = RawRepl(link.port_object, name=device)
            outcome.kind = kind or board_kind(link, repl, device, step)
            report = deploy(repl, load_board(outcome.kind), progress=lambda name, done, size: step(name, done, size),
                            force=force, label=label)
        except KitError as exc:
            outcome.reason = str(exc)
            return outcome
        finally:
            link.close()
        outcome.ok, outcome.label = True, report.label
        outcome.reason = (f"sent {len(report.files_sent)} files, firmware {report.firmware}, "
                          f"heap {report.heap if report.heap is not None else '?'}") if report.files_sent else "unchanged"
        return outcome

    return job


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    ports = chosen_ports(args.port, args.all)
    if len(ports) == 1 and not args.all:
        return 0 if deploy_one(ports[0], args.board, args.force, console) else 1
    results = run_parallel(ports, deploy_job(args.board, args.force), console, "kit firmware deploy")
    return 0 if all(r.ok for r in results) else 1
