"""`kitbridge plot DEVICE... --port P` (live) or `kitbridge plot data.csv` (a recording)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import port_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", nargs="+", metavar="DEVICE_OR_CSV",
                        help="on-board sensors to stream (accelerometer, light, sound, pinN), or a recording's .csv")
    port_argument(parser)
    parser.add_argument("--seconds", type=float, default=None,
                        help="stop after this long (with --save: how much to record, default 5)")
    parser.add_argument("--hz", type=float, default=50, help="samples a second (default 50)")
    parser.add_argument("--save", metavar="FILE", help="write the plot to FILE (e.g. out.png) instead of a window")


def run(args: argparse.Namespace) -> int:
    from .. import plotting

    if len(args.what) == 1 and args.what[0].lower().endswith(".csv"):
        if not Path(args.what[0]).is_file():
            raise ValueError(f"no such recording: {args.what[0]}")
        plotting.plot_recording(args.what[0], save=args.save)
    else:
        from ..board import Board

        with Board(args.port) as board:
            devices = [board.pin(int(name[3:])) if name.startswith("pin") and name[3:].isdigit()
                       else getattr(board, name) for name in args.what]
            plotting.plot_live(board, devices, seconds=args.seconds, hz=args.hz, save=args.save)
    if args.save:
        print(f"saved {args.save}")
    return 0
