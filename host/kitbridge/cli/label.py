"""`kitbridge label --port P "Table 7"`: name a board; `hello` and `kitbridge list` then say the name.

The label goes into the board's kb_board.py by a deploy (only that file and main.py change),
so `--port label:"Table 7"` finds the board afterwards.
"""

from __future__ import annotations

import argparse

from rich.console import Console

from ..labels import check_label, escape
from .classroom import run_parallel
from .deploy import deploy_job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", required=True, help="serial port (or label:OLD) of the board")
    parser.add_argument("label", help='the name, e.g. "Table 7" ("" removes it)')


def run(args: argparse.Namespace) -> int:
    label = check_label(args.label)
    console = Console(highlight=False, soft_wrap=True)
    [result] = run_parallel([args.port], deploy_job(None, False, label), console, "label")
    if not result.ok:
        return 1
    if label:
        console.print(f"{result.port} is now labelled {label!r} (hello says label={escape(label)}); "
                      f"use it as --port label:{label!r}")
    else:
        console.print(f"{result.port} has no label now")
    return 0
