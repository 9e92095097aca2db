"""`kitbridge info --port P`: what the board says about itself, and what its definition holds."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from ..board import Board
from . import port_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    port_argument(parser)


def run(args: argparse.Namespace) -> int:
    with Board(args.port) as board:
        spec = board.spec
        console = Console()
        about = Table(show_header=False, title=f"{spec.name} ({spec.name_zh}) on {board.port}")
        for key, value in (("board kind", spec.kind), ("firmware", board.firmware),
                           ("protocol", board.info["proto"]), ("unique id", board.uid),
                           ("free heap", f"{board.info.get('heap', '?')} bytes"),
                           ("receive window", f"{board.info['rx']} bytes"), ("longest line", f"{board.info['line']} bytes")):
            about.add_row(key, value)
        console.print(about)
        devices = Table(title="on-board devices")
        devices.add_column("device")
        devices.add_column("type")
        devices.add_column("where")
        for name, device in spec.devices.items():
            where = ", ".join(f"{k} {v}" for k, v in device.params.items())
            devices.add_row(name, device.type, where)
        console.print(devices)
        pins = Table(title="pins")
        pins.add_column("pin")
        pins.add_column("GPIO")
        pins.add_column("can")
        for label, pin in sorted(spec.pins.items()):
            pins.add_row(str(label), str(pin.gpio), " ".join(sorted(pin.caps)))
        console.print(pins)
    return 0
