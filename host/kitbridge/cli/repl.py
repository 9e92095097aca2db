"""`kitbridge repl --port P`: a terminal on the board's MicroPython REPL.

Ctrl-C first stops the kit agent (its outputs go safe), then a soft reset gives the REPL the
whole heap; Ctrl-] leaves, and the board stays at
its REPL until Ctrl-D there or its reset button restarts the kit firmware.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

from ..errors import ConnectionLost, KitError
from ..link.label_link import resolve_port
from ..link.rawrepl import RawRepl
from ..link.serial_link import SerialLink
from . import port_argument

LEAVE = b"\x1d"  # Ctrl-]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    port_argument(parser, required=True)


def _pump(link: SerialLink, out, done: threading.Event) -> None:
    """Board -> terminal until `done`; sets `done` when the board is gone."""
    while not done.is_set():
        try:
            data = link.read(0.05)
        except ConnectionLost as exc:
            out.write(f"\r\n[kitbridge: {exc}]\r\n".encode())
            out.flush()
            done.set()
            return
        if data:
            out.write(data)
            out.flush()


def _settle(link: SerialLink, quiet: float = 0.3, limit: float = 3.0) -> None:
    """Drop what the board says until it is quiet: interrupt's second Ctrl-C, read late, would cancel a typed line."""
    deadline = time.monotonic() + limit
    while link.read(quiet) and time.monotonic() < deadline:
        pass


def run(args: argparse.Namespace) -> int:
    if sys.platform == "win32":
        raise OSError("kitbridge repl needs a POSIX terminal; on Windows use Thonny or `mpremote connect PORT`")
    import termios
    import tty

    port = resolve_port(args.port)
    link = SerialLink(port, pty=port.startswith("/dev/pts/"))
    try:
        repl = RawRepl(link.port_object, name=port)
        repl.interrupt(3.0)
        # A soft reset inside the raw REPL: a fresh heap with main.py not run. The stopped agent's
        # modules would otherwise stay loaded, and a micro:bit v1 could not parse `print(1)`.
        repl.enter(3.0, soft_reset=True)
        repl.leave(3.0)
        _settle(link)
    except KitError:
        link.close()
        raise
    out = sys.stdout.buffer
    out.write(f"MicroPython on {port}; the kit agent is stopped. Ctrl-] leaves, Ctrl-D restarts the board's "
              "program.\r\n".encode())
    out.flush()
    link.write(b"\r")  # the board's own fresh prompt
    stdin = sys.stdin.fileno()
    saved = termios.tcgetattr(stdin) if os.isatty(stdin) else None
    done = threading.Event()
    reader = threading.Thread(target=_pump, args=(link, out, done), daemon=True)
    try:
        if saved is not None:
            tty.setraw(stdin)
        reader.start()
        while not done.is_set():
            data = os.read(stdin, 256)
            if not data:
                break
            if LEAVE in data:
                link.write(data.split(LEAVE, 1)[0])
                break
            link.write(data)
    finally:
        done.set()
        if saved is not None:
            termios.tcsetattr(stdin, termios.TCSADRAIN, saved)
        reader.join(1)
        link.close()
    out.write(b"\r\n")
    out.flush()
    return 0
