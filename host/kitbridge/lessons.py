"""The lessons: find them, and run one (playing its scenario on a simulated board).

A lesson's scenario.py acts out the world of the simulated board it runs on:
    wire(world) -> dict | None   optional: the add-on parts on the student's desk (servo, HC-SR04...),
                                 wired before the lesson starts; the dict names inputs a hand turns
                                 that the World has no name for ({"knob": analog pin label})
    play(world, narrate)         runs in a thread of its own while the lesson runs
    unplugged(world, narrate)    lessons with `unplugged = true` in lesson.toml: after the lesson has
                                 closed its board, the runner switches the simulated board on again
                                 with no host attached (as a battery does) and calls it
`kitbridge run NN --interactive` replaces play and unplugged by the keyboard (a Player).
"""

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
from typing import TYPE_CHECKING, Any, Protocol

from .errors import KitError
from .resources import lessons_dir

if TYPE_CHECKING:
    from .sim.world import World

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

log = logging.getLogger(__name__)
Narrate = Callable[[str], None]
PORT_VARIABLE = "KITBRIDGE_PORT"  # Board() with no port uses it: how `kitbridge run` hands a lesson its board
SCENARIO_GRACE = 30.0  # seconds a scenario may take to finish after its lesson, before the unplugged part


@dataclass(frozen=True)
class Lesson:
    number: str
    folder: Path
    title_en: str
    title_zh: str
    boards: tuple[str, ...]
    devices: tuple[str, ...]
    unplugged: bool = False  # after the lesson the board runs on its own, from a battery

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
                              tuple(data["boards"]), tuple(data.get("devices", ())),
                              bool(data.get("unplugged", False))))
    return lessons


def find_lesson(number: str | int) -> Lesson:
    wanted = f"{int(number):02d}" if str(number).isdigit() else str(number)
    for lesson in all_lessons():
        if lesson.number == wanted:
            return lesson
    known = ", ".join(lesson.number for lesson in all_lessons())
    raise ValueError(f"no lesson {number}; the lessons are: {known}")


class Player(Protocol):
    """Who acts out a simulated board's world while a lesson runs: its scenario, or a student
    at the keyboard (`kitbridge run NN --interactive`)."""

    def play(self, world: World, narrate: Narrate, wired: dict[str, Any]) -> None:
        """Runs in a thread of its own while the lesson runs; `wired` is what scenario.wire() returned."""

    def unplugged(self, world: World, narrate: Narrate) -> None:
        """For an `unplugged` lesson: runs once the board, its lesson over, is on again with no host."""


def run_lesson(lesson: Lesson, port: str, narrate: Narrate, *, scenario: bool = True,
               player: Player | None = None) -> None:
    """Run lesson.py as a student would, its Board() on `port`. On a simulated board the lesson's
    scenario wires the desk and acts out the world (scenario=False: wires only), unless a `player`
    acts instead; an `unplugged` lesson then gets its board switched on again with no host."""
    from .link.sim import watch_sim_boards

    failures: list[BaseException] = []
    sims: list[Any] = []
    actors: list[threading.Thread] = []
    desk = _Scenario(lesson)
    actor = player if player is not None else desk if scenario else None

    def on_sim_board(sim) -> None:
        sims.append(sim)
        wired = desk.wire(sim.world)
        if actor is None:
            return

        def act() -> None:
            try:
                actor.play(sim.world, narrate, wired)
            except BaseException as exc:  # reported after the lesson ends
                failures.append(exc)

        thread = threading.Thread(target=act, name=f"scenario-{lesson.number}", daemon=True)
        actors.append(thread)
        thread.start()

    try:
        with watch_sim_boards(on_sim_board), _port_for_board(port):
            runpy.run_path(str(lesson.script), run_name="__main__")
        if lesson.unplugged and sims and actor is not None:
            for thread in actors:
                thread.join(SCENARIO_GRACE)
            _raise_first(lesson, failures)
            _on_battery(lesson, sims[-1], actor, narrate)
        _raise_first(lesson, failures)
    finally:
        for sim in sims:
            sim.stop()  # the lesson's Board closed it already, unless the lesson was interrupted


def _on_battery(lesson: Lesson, sim, actor: Player, narrate: Narrate) -> None:
    """Power the simulated board up again with nothing on its line, as a battery does."""
    sim.restart()
    narrate("the board is unplugged from the computer and runs from a battery (simulated) · "
            "板子已从电脑上拔下，用电池供电（模拟）")
    try:
        actor.unplugged(sim.world, narrate)
    except (AssertionError, KitError) as exc:
        raise KitError(f"lesson {lesson.number}'s scenario failed with the board unplugged: {exc}") from exc


def _raise_first(lesson: Lesson, failures: list[BaseException]) -> None:
    if failures:
        raise KitError(f"lesson {lesson.number}'s scenario failed: {failures[0]}") from failures[0]


class _Scenario:
    """The lesson's scenario.py, loaded once per run: it wires the desk, and plays unless a Player does."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self._module: Any = None

    @property
    def module(self) -> Any:
        if self._module is None:
            path = self.lesson.folder / "scenario.py"
            spec = importlib.util.spec_from_file_location(f"kitbridge_scenario_{self.lesson.number}", path)
            if spec is None or spec.loader is None or not path.is_file():
                raise KitError(f"lesson {self.lesson.number} has no scenario.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._module = module
        return self._module

    def wire(self, world: World) -> dict[str, Any]:
        wire = getattr(self.module, "wire", None)
        return dict(wire(world) or {}) if wire is not None else {}

    def play(self, world: World, narrate: Narrate, wired: dict[str, Any]) -> None:
        self.module.play(world, narrate)

    def unplugged(self, world: World, narrate: Narrate) -> None:
        stage = getattr(self.module, "unplugged", None)
        if stage is None:
            raise KitError(f"lesson {self.lesson.number} says unplugged = true, but its scenario.py has no "
                           "unplugged(world, narrate)")
        stage(world, narrate)



def _load_scenario(lesson: Lesson) -> Callable[[Any, Narrate], None]:
    """scenario.py's play(world, narrate), for a test that plays it on a world of its own (QEMU)."""
    return _Scenario(lesson).module.play


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
