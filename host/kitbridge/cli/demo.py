"""`kitbridge demo`: lesson 01 on the attached board, or on the simulated one when none answers."""

from __future__ import annotations

import argparse

from ..board import Board
from ..discover import serial_ports
from ..errors import KitError
from ..lessons import find_lesson, run_lesson
from . import port_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    port_argument(parser)


def choose_port() -> str:
    for port in serial_ports():
        if not port.candidates:
            continue
        try:
            Board(port.device, deadman=None).close()
            return port.device
        except KitError as exc:
            print(f"found {port.candidates[0].name} on {port.device} but it did not answer: {exc}")
    print("No kit board answered, so the demo runs on the simulated mPython board.")
    return "sim"


def run(args: argparse.Namespace) -> int:
    port = args.port or choose_port()
    lesson = find_lesson(1)
    print(f"Lesson {lesson.number}: {lesson.title()} — on {port}")
    run_lesson(lesson, port, narrate=lambda text: print(f"  [{text}]", flush=True))
    print("Demo finished. Next: `kitbridge lessons`, or open lessons/ and change the code.")
    return 0
