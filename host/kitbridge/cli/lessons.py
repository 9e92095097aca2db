"""`kitbridge lessons`: one line per lesson: number, title in the user's language, boards."""

from __future__ import annotations

import argparse

from ..lessons import all_lessons


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", help="en or zh (default: from LANG)")


def run(args: argparse.Namespace) -> int:
    for lesson in all_lessons():
        print(f"{lesson.number}  {lesson.title(args.lang)}  [{', '.join(lesson.boards)}]")
    return 0
