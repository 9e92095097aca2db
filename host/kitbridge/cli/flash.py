"""`kitbridge flash [--port P ... | --all] [--board KIND] [--firmware FILE] [--drive D]`: MicroPython itself.

ESP32-family boards through esptool (several at once, a summary table); a micro:bit by copying
the .hex onto its MICROBIT drive. No downloads: the image is a local file or in the local cache.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from .. import discover
from ..boards import board_kinds, load_board
from ..errors import DeployError
from ..flash import drive_kind, find_image, flash_esp32, flash_microbit, microbit_drives
from ..link.label_link import resolve_port
from .classroom import Job, Outcome, Step, chosen_ports, run_parallel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", action="append", help="serial port of an ESP32 board (repeat for several)")
    parser.add_argument("--all", action="store_true", help="every ESP32-family board plugged in, at once")
    parser.add_argument("--board", choices=board_kinds(), help="board kind (default: from the USB ids)")
    parser.add_argument("--firmware", help="MicroPython image (.bin for ESP32, .hex for micro:bit)")
    parser.add_argument("--drive", action="append", help="a micro:bit's MICROBIT drive (default: the one mounted)")


def kind_of(port: str, given: str | None) -> str:
    if given:
        return given
    kinds = {spec.kind for p in discover.serial_ports() if p.device == port for spec in p.candidates}
    families = {load_board(k).family for k in kinds}
    if len(families) == 1:
        return min(kinds)  # the family decides how to flash; the image is per family too
    raise DeployError(f"cannot tell which board is on {port} from its USB ids; name it with --board "
                      f"({', '.join(board_kinds())})")


def esp_job(board: str | None, firmware: str | None) -> Job:
    def job(port: str, step: Step) -> Outcome:
        device = resolve_port(port)
        kind = kind_of(device, board)
        outcome = Outcome(port, kind)
        if load_board(kind).family != "esp32":
            outcome.reason = f"{kind} is not an ESP32 board; flash a micro:bit with --drive (or its drive alone)"
            return outcome
        try:
            result = flash_esp32(device, find_image(kind, firmware), step=step)
        except DeployError as exc:
            outcome.reason = str(exc)
            return outcome
        outcome.ok, outcome.reason = True, f"{result.chip} at 0x{result.offset:x}, {result.baud} baud, verified"
        return outcome

    return job


def microbit_job(board: str | None, firmware: str | None) -> Job:
    def job(drive: str, step: Step) -> Outcome:
        kind = board or drive_kind(Path(drive)) or "microbit-v1"
        outcome = Outcome(drive, kind)
        try:
            flash_microbit(find_image(kind, firmware), Path(drive), step=step)
        except DeployError as exc:
            outcome.reason = str(exc)
            return outcome
        outcome.ok, outcome.reason = True, "copied; the drive came back"
        return outcome

    return job


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    microbit_board = args.board if args.board and load_board(args.board).family == "microbit" else None
    esp_board = args.board if args.board and microbit_board is None else None
    if args.drive and esp_board:
        raise ValueError(f"--drive is for a micro:bit, not a {esp_board}")
    drives = list(args.drive or [])
    ports: list[str] = []
    if args.all:  # every ESP32-family port and every MICROBIT drive
        if not microbit_board:
            ports = [p.device for p in discover.serial_ports() if any(s.family == "esp32" for s in p.candidates)]
        if not esp_board:
            drives += [str(d) for d in microbit_drives()]
    elif args.port:
        ports = chosen_ports(args.port, False)
    elif not drives:
        drives = [str(d) for d in microbit_drives()]
    if not ports and not drives:
        raise DeployError("found no board to flash: an ESP32 board is named with --port PORT (or --all), a "
                          "micro:bit's MICROBIT drive is found by itself once it is mounted (or give --drive)")
    esp, microbit = esp_job(esp_board, args.firmware), microbit_job(microbit_board, args.firmware)
    results = run_parallel(ports + drives, lambda target, step: (microbit if target in drives else esp)(target, step),
                           console, "MicroPython flash")
    return 0 if all(r.ok for r in results) else 1
