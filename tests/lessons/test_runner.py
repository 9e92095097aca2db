"""The lesson runner's hooks, on made-up lessons: scenario.wire() wires the desk before the lesson
starts and whatever acts gets what it returned; a Player replaces the scenario; an `unplugged`
lesson's board is switched on again with no host once the lesson has closed it."""

from __future__ import annotations

import textwrap

import pytest
from kitbridge.errors import KitError
from kitbridge.lessons import Lesson, run_lesson
from kitbridge.link.sim import watch_sim_boards

PORT = "sim:mpython?baud=0"


def make_lesson(folder, lesson: str, scenario: str, unplugged: bool = False) -> Lesson:
    (folder / "lesson.py").write_text(textwrap.dedent(lesson), encoding="utf-8")
    (folder / "scenario.py").write_text(textwrap.dedent(scenario), encoding="utf-8")
    return Lesson("98", folder, "made up", "虚构", ("mpython",), ("led", "potentiometer (knob)"), unplugged)


class Recorder:
    """A Player that notes what it was given."""

    def __init__(self):
        self.wired = None
        self.knob_at_play = None
        self.unplugged_state = None

    def play(self, world, narrate, wired):
        self.wired = wired
        self.knob_at_play = world.read_analog(2)

    def unplugged(self, world, narrate):
        self.unplugged_state = world.value("board")


KNOB_LESSON = """
    from kitbridge import AnalogSensor, Board
    with Board() as board:
        print("knob", round(AnalogSensor(board, 2).value * 1023))
"""
KNOB_SCENARIO = """
    def wire(world):
        world.set_analog(2, 700)
        return {"knob": 2}

    def play(world, narrate):
        world.record("scenario", "played")
"""


def test_the_desk_is_wired_before_the_lesson_and_a_player_gets_the_wiring(tmp_path, capsys):
    lesson = make_lesson(tmp_path, KNOB_LESSON, KNOB_SCENARIO)
    player, sims = Recorder(), []
    with watch_sim_boards(sims.append):
        run_lesson(lesson, PORT, narrate=print, player=player)
    assert "knob 700" in capsys.readouterr().out
    assert player.wired == {"knob": 2} and player.knob_at_play == 700
    assert sims[0].world.history("scenario") == [], "a Player acts instead of the scenario"
    assert sims[0].state == "stopped"


def test_without_a_scenario_the_desk_is_still_wired(tmp_path, capsys):
    lesson = make_lesson(tmp_path, KNOB_LESSON, KNOB_SCENARIO)
    sims = []
    with watch_sim_boards(sims.append):
        run_lesson(lesson, PORT, narrate=print, scenario=False)
    assert "knob 700" in capsys.readouterr().out
    assert sims[0].world.history("scenario") == []


LED_LESSON = """
    from kitbridge import Board
    with Board() as board:
        board.led.on()
    print("unplug it now")
"""


def test_an_unplugged_lesson_gets_its_board_on_again_with_no_host(tmp_path):
    lesson = make_lesson(tmp_path, LED_LESSON, """
        def play(world, narrate):
            pass

        def unplugged(world, narrate):
            world.record("unplugged", world.value("board"))
    """, unplugged=True)
    sims, narration = [], []
    with watch_sim_boards(sims.append):
        run_lesson(lesson, PORT, narrate=narration.append)
    (sim,) = sims
    assert sim.boots == 2, "switched on once for the lesson, once more on the battery"
    states = [e.value for e in sim.world.history("board")]
    assert states[:2] == ["running", "stopped"]  # the lesson's Board closed its link: the board went off
    assert sim.world.history("unplugged")[0].value == "running"
    assert any("runs from a battery" in n for n in narration)
    assert sim.state == "stopped", "the runner switches the battery board off at the end"


def test_a_player_acts_the_unplugged_part_too(tmp_path):
    lesson = make_lesson(tmp_path, LED_LESSON, "def play(world, narrate):\n    pass\n", unplugged=True)
    player = Recorder()
    run_lesson(lesson, PORT, narrate=lambda text: None, player=player)
    assert player.unplugged_state == "running"


def test_a_failure_with_the_board_unplugged_fails_the_run(tmp_path):
    lesson = make_lesson(tmp_path, LED_LESSON, """
        def play(world, narrate):
            pass

        def unplugged(world, narrate):
            if not world.wait_for(lambda: world.led, timeout=0.5):
                raise AssertionError("the LED stayed off")
    """, unplugged=True)
    with pytest.raises(KitError, match="failed with the board unplugged: the LED stayed off"):
        run_lesson(lesson, PORT, narrate=lambda text: None)


def test_an_unplugged_lesson_without_an_unplugged_scenario_says_so(tmp_path):
    lesson = make_lesson(tmp_path, LED_LESSON, "def play(world, narrate):\n    pass\n", unplugged=True)
    with pytest.raises(KitError, match="has no unplugged"):
        run_lesson(lesson, PORT, narrate=lambda text: None)
