"""The lessons layer: each lesson run as a student runs it, `kitbridge run NN --port sim:KIND?baud=0`,
its scenario playing the simulated world; the test then reads what happened off that World."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kitbridge import cli
from kitbridge.link.sim import watch_sim_boards
from kitbridge.sim.world import World

sys.path.insert(0, str(Path(__file__).parent))
# Lessons stop by themselves after two minutes when the student never presses the button that ends
# them; a run this long means the lesson missed the scenario's last press (not a speed limit).
MISSED_THE_END = 100.0


@pytest.fixture
def run_lesson(tmp_path, monkeypatch, capsys) -> Callable[[str, str], tuple[World, str]]:
    """run_lesson(number, kind) -> (the simulated board's World after the lesson, what it printed).
    The lesson runs in an empty folder (tmp_path), where files it writes land."""

    def run(number: str, kind: str) -> tuple[World, str]:
        monkeypatch.chdir(tmp_path)
        sims: list = []
        start = time.monotonic()
        with watch_sim_boards(sims.append):
            code = cli.main(["run", number, "--port", f"sim:{kind}?baud=0"])
        took = time.monotonic() - start
        out, err = capsys.readouterr()
        assert code == 0, f"lesson {number} on sim:{kind} failed:\n{err}\n{out}"
        assert len(sims) == 1, f"lesson {number} opened {len(sims)} simulated boards, not one"
        assert took < MISSED_THE_END, f"lesson {number} on sim:{kind} ran {took:.0f} s: it missed the press that ends it"
        return sims[0].world, out

    return run
