"""The lessons: find them, and run one (playing its scenario on a simulated board)."""

from __future__ import annotations

import importlib.util
import locale
import logging
import os
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import KitError
from .resources import lessons_dir

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

log = logging.getLogger(__name__)
Narrate = Callable[[str], None]
PORT_VARIABLE = "KITBRIDGE_PORT"  # Board() with no port uses it: how `kitbridge run` hands a lesson its board


@dataclass(frozen=True)
class Lesson:
    number: str
    folder: Path
    title_en: str
    title_zh: str
    boards: tuple[str, ...]
    devices: tuple[str, ...]

    def title(self, language: str | None = None) -> str:
        return self.title_zh if (language or user_language()).startswith("zh") else self.title_en

    @property
    def script(self) -> Path:
        return self.folder / "lesson.py"


def user_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(name):
            return os.environ[name]
    return locale.getlocale()[0] or "en"


def all_lessons() -> list[Lesson]:
    lessons = []
    for folder in sorted(lessons_dir().iterdir()):
        meta = folder / "lesson.toml"
        if not (folder.is_dir() and folder.name[:2].isdigit() and meta.is_file()):
            continue
        data = tomllib.loads(meta.read_text(encoding="utf-8"))
        lessons.append(Lesson(folder.name[:2], folder, data["title"]["en"], data["title"]["zh"],
                              tuple(data["boards"]), tuple(data.get("devices", ()))))
    return lessons


def find_lesson(number: str | int) -> Lesson:
    wanted = f"{int(number):02d}" if str(number).isdigit() else str(number)
    for lesson in all_lessons():
        if lesson.number == wanted:
            return lesson
    known = ", ".join(lesson.number for lesson in all_lessons())
    raise ValueError(f"no lesson {number}; the lessons are: {known}")


def run_lesson(lesson: Lesson, port: str, narrate: Narrate, *, scenario: bool = True) -> None:
    """Run lesson.py as a student would, its Board() on `port`; on a simulated board the
    lesson's scenario (scenario.py: play(world, narrate)) acts out the world."""
    from .link.sim import watch_sim_boards

    failures: list[BaseException] = []

    def start_scenario(sim) -> None:
        if not scenario:
            return
        play = _load_scenario(lesson)

        def act() -> None:
            try:
                play(sim.world, narrate)
            except BaseException as exc:  # reported after the lesson ends
                failures.append(exc)

        threading.Thread(target=act, name=f"scenario-{lesson.number}", daemon=True).start()

    with watch_sim_boards(start_scenario), _port_for_board(port):
        runpy.run_path(str(lesson.script), run_name="__main__")
    if failures:
        raise KitError(f"lesson {lesson.number}'s scenario failed: {failures[0]}") from failures[0]


def _load_scenario(lesson: Lesson):
    path = lesson.folder / "scenario.py"
    spec = importlib.util.spec_from_file_location(f"kitbridge_scenario_{lesson.number}", path)
    if spec is None or spec.loader is None:
        raise KitError(f"lesson {lesson.number} has no scenario.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.play


@contextmanager
def _port_for_board(port: str) -> Iterator[None]:
    old = os.environ.get(PORT_VARIABLE)
    os.environ[PORT_VARIABLE] = port
    saved_argv = sys.argv
    try:
        yield
    finally:
        sys.argv = saved_argv
        if old is None:
            os.environ.pop(PORT_VARIABLE, None)
        else:
            os.environ[PORT_VARIABLE] = old
