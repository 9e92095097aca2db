"""Lessons whose devices the emulated micro:bit v1 has (its LEDs and buttons: lessons 01 and 02)
run on it with `kitbridge run NN --port qemu:microbit-v1`, their scenarios acting through QEMU.

run_lesson plays a scenario only on a simulated board (it hooks SimLink), so here the test
plays it: it catches the Board the lesson opens and hands the scenario a QemuWorld, which
presses buttons through QEMU's qtest socket, reads pins off the GPIO output register, and asks
the board itself whether its LED (the centre of the multiplexed matrix) is lit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from kitbridge import Board
from kitbridge.lessons import find_lesson, run_lesson

EDGE_GPIO = {0: 3, 1: 2, 8: 18}  # micro:bit v1 edge pin -> nRF51 GPIO (boards/microbit-v1.toml)


class QemuWorld:
    """The part of the sim World a lesson 01/02 scenario uses, over the emulated board."""

    kind = "microbit-v1"

    def __init__(self, board: Board) -> None:
        self.board = board
        self.qemu = board.link.qemu
        self.pressed: list[str] = []

    def press(self, letter: str) -> None:
        self.qemu.press(letter)
        self.pressed.append(letter)

    def release(self, letter: str) -> None:
        self.qemu.release(letter)

    def click(self, letter: str, seconds: float = 0.1) -> None:
        self.press(letter)
        threading.Event().wait(seconds)
        self.release(letter)

    def value(self, device: str, default: object = None) -> object:
        label = int(device.removeprefix("pin "))
        return 1 if self.qemu.gpio_out() & (1 << EDGE_GPIO[label]) else 0

    @property
    def led(self) -> bool:
        return self.board.led.is_lit

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 1.0) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)  # QEMU tells no changes: look again, as often as the sim's World does
        return True


@pytest.fixture
def play_on_qemu(qemu_tools, monkeypatch):
    """play_on_qemu(number) -> (QemuWorld, narration): runs the lesson on qemu:microbit-v1 and its scenario."""

    def run(number: str):
        lesson = find_lesson(number)
        play = _scenario(lesson)
        worlds: list[QemuWorld] = []
        actors: list[threading.Thread] = []
        failures: list[BaseException] = []
        narration: list[str] = []
        opened = Board.__init__

        def open_and_play(self, *args, **kwargs):
            opened(self, *args, **kwargs)
            world = QemuWorld(self)
            worlds.append(world)

            def act():
                try:
                    play(world, narration.append)
                except BaseException as exc:  # noqa: BLE001 (reported after the lesson ends, as run_lesson does)
                    failures.append(exc)

            actors.append(threading.Thread(target=act, daemon=True))
            actors[-1].start()

        monkeypatch.setattr(Board, "__init__", open_and_play)
        run_lesson(lesson, "qemu:microbit-v1", narration.append, scenario=False)
        assert len(worlds) == 1
        actors[0].join(10)
        assert not actors[0].is_alive(), f"lesson {number}'s scenario was still waiting when the lesson ended"
        assert not failures, failures
        return worlds[0], narration

    return run


def _scenario(lesson):
    from kitbridge.lessons import _load_scenario

    return _load_scenario(lesson)


def test_lesson_01_blinks_and_answers_button_a_on_qemu(play_on_qemu, capsys):
    world, narration = play_on_qemu("01")
    out = capsys.readouterr().out
    assert out.count("LED on  ·") == 3 and "Button A pressed: LED on" in out
    assert world.pressed == ["a"]
    assert any("button A pressed" in n for n in narration)


def test_lesson_02_traffic_light_on_qemu(play_on_qemu, capsys):
    world, narration = play_on_qemu("02")
    out = capsys.readouterr().out
    order = ["Green: cars go", "Someone wants to cross", "Yellow", "Red: cars stop", "Red + yellow", "Green again"]
    positions = [out.index(text) for text in order]
    assert positions == sorted(positions), out
    assert any("crosses while the light is red" in n for n in narration)  # red seen in the GPIO register
    assert world.pressed == ["a"]
