"""`kitbridge deploy --port P`: copy the kit firmware onto boards running MicroPython."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from ..boards import board_kinds, load_board
from ..deploy import deploy
from ..deploy.detect import detect_kind
from ..errors import DeployError, KitError
from ..link.rawrepl import RawRepl
from ..link.serial_link import SerialLink


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", action="append", required=True,
                        help="serial port of the board (repeat for several boards)")
    parser.add_argument("--board", choices=board_kinds(), help="board kind (default: ask the board)")
    parser.add_argument("--force", action="store_true", help="send every file, even unchanged ones")


def deploy_one(port: str, kind: str | None, force: bool, console: Console) -> bool:
    try:
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


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    results = [deploy_one(port, args.board, args.force, console) for port in args.port]
    return 0 if all(results) else 1
