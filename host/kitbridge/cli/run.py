"""`kitbridge run NN --port P`: run one lesson; on a simulated board its scenario plays the world."""

from __future__ import annotations

import argparse

from ..lessons import find_lesson, run_lesson
from . import port_argument
from .demo import choose_port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="lesson number, e.g. 01")
    port_argument(parser)


def run(args: argparse.Namespace) -> int:
    lesson = find_lesson(args.lesson)
    port = args.port or choose_port()
    print(f"Lesson {lesson.number}: {lesson.title()} — on {port}")
    run_lesson(lesson, port, narrate=lambda text: print(f"  [{text}]", flush=True))
    return 0
