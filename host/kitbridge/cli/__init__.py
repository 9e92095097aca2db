"""The `kitbridge` command: a table of subcommands, each in its own module.

Every failure ends as `kitbridge: message` on stderr and exit status 1;
KITBRIDGE_DEBUG=1 shows the traceback too.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from ..errors import KitError

# name -> (module, one-line help); each module has add_arguments(parser) and run(args) -> int
COMMANDS = {
    "demo": ("demo", "run lesson 01 on an attached board, or on the simulated board"),
    "info": ("info", "show a board's kind, firmware, id, devices and pins"),
    "sim": ("sim", "serve a simulated board on a pseudo-terminal"),
    "deploy": ("deploy", "copy the kit firmware onto a board running MicroPython"),
    "lessons": ("lessons", "list the lessons"),
    "run": ("run", "run a lesson on a board"),
    "plot": ("plot", "plot sensors live from a board, or a recording (.csv)"),
    "list": ("ports", "list boards: on serial ports, or on a broker (--broker)"),
    "flash": ("flash", "put MicroPython itself on boards (ESP32, micro:bit)"),
    "doctor": ("doctor", "check a board and this computer; say how to fix each problem"),
    "repl": ("repl", "a terminal on a board's MicroPython REPL (Ctrl-] leaves)"),
    "label": ("label", "name a board; then use --port label:NAME"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kitbridge", description="Drive the school kit's boards from Python.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: protocol detail)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(module=module)
        importlib.import_module(f"{__name__}.{module}").add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return importlib.import_module(f"{__name__}.{args.module}").run(args)
    except KeyboardInterrupt:
        print("kitbridge: interrupted", file=sys.stderr)
        return 130
    except (KitError, ValueError, OSError) as exc:
        if os.environ.get("KITBRIDGE_DEBUG"):
            raise
        print(f"kitbridge: {exc}", file=sys.stderr)
        return 1


def port_argument(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--port", "-p", required=required,
                        help="serial port (/dev/ttyUSB0, COM3), sim, sim:KIND[?baud=N], qemu:microbit-v1 "
                             "or label:NAME")
