"""`kitbridge run NN --port P`: run one lesson; on a simulated board its scenario plays the world,
or with --interactive the student does, from the keyboard."""

from __future__ import annotations

import argparse

from rich.console import Console

from ..lessons import find_lesson, run_lesson
from . import port_argument
from .demo import choose_port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lesson", help="lesson number, e.g. 01")
    port_argument(parser)
    parser.add_argument("--interactive", "-i", action="store_true",
                        help="on a simulated board (the default port then), drive its world from the "
                             "keyboard instead of the lesson's scenario; q quits")


def run(args: argparse.Namespace) -> int:
    lesson = find_lesson(args.lesson)
    if args.interactive:
        from .keyboard import check_port, run_interactive

        port = args.port or "sim"
        check_port(port)
        print(f"Lesson {lesson.number}: {lesson.title()} — on {port}, you drive its world")
        return run_interactive(lesson, port, Console())
    port = args.port or choose_port()
    print(f"Lesson {lesson.number}: {lesson.title()} — on {port}")
    run_lesson(lesson, port, narrate=lambda text: print(f"  [{text}]", flush=True))
    return 0
