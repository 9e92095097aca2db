"""`kitbridge list`: every serial port, the board kinds its USB ids may be, and what its agent says.

Only ports whose USB ids match a board kind are asked (a modem or a foreign device is left
alone), all at once with a short timeout; a port another program holds is reported as in use.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import discover
from ..probe import Probe, probe

STATES = {"silent": "no kit agent answered", "busy": "in use by another program", "denied": "no permission (dialout?)",
          "missing": "gone", "error": "error"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds each board has to answer (default 1)")


def run(args: argparse.Namespace) -> int:
    if not 0 < args.timeout <= 30:
        raise ValueError(f"--timeout must be 0..30 seconds, not {args.timeout}")
    ports = discover.serial_ports()
    asked = [p.device for p in ports if p.candidates]
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(asked)))) as pool:
        said: dict[str, Probe] = dict(zip(asked, pool.map(lambda port: probe(port, args.timeout), asked)))
    table = Table(title="serial ports")
    for name in ("port", "USB id", "description", "board kind", "kit firmware", "label", "state"):
        table.add_column(name)
    for port in ports:
        answer = said.get(port.device)
        kinds = ", ".join(spec.kind for spec in port.candidates) or "-"
        if answer is None:
            state = "not a kit board's USB id" if port.vid is not None else "-"
            table.add_row(escape(port.device), port.usb_id, escape(port.description), kinds, "", "", state)
            continue
        if answer.state == "kit":
            kinds = answer.kind
        state = "ready" if answer.state == "kit" else STATES.get(answer.state, answer.state)
        table.add_row(escape(port.device), port.usb_id, escape(port.description), kinds, answer.firmware or "-",
                      escape(answer.label), state)
    console = Console(highlight=False, soft_wrap=True)
    if not ports:
        console.print("No serial ports: plug a board in (and check the USB cable carries data).")
        return 0
    console.print(table)
    return 0
