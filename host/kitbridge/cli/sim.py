"""`kitbridge sim`: a simulated board on a pseudo-terminal, for a serial terminal or another program."""

from __future__ import annotations

import argparse
import threading

from ..boards import board_kinds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--board", default="mpython", choices=board_kinds(), help="board kind (default mpython)")
    parser.add_argument("--baud", type=int, default=115200, help="pace bytes like this baud rate; 0 = unpaced")


def run(args: argparse.Namespace) -> int:
    from ..sim import SimBoard

    if args.baud < 0:
        raise ValueError(f"--baud must be 0 (unpaced) or more, not {args.baud}")
    with SimBoard(args.board, baud=args.baud) as board:
        if board.port is None:
            raise OSError("this system has no pseudo-terminals; use Board('sim') from Python instead")
        print(board.port, flush=True)
        print(f"simulated {board.spec.name} serving; type 'hello' in a serial terminal. Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0
