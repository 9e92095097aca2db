"""The lessons layer: each lesson run as a student runs it, `kitbridge run NN --port sim:KIND?baud=0`,
its scenario playing the simulated world; the test then reads what happened off that World."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from kitbridge import cli
from kitbridge.link.sim import watch_sim_boards
from kitbridge.sim.world import World

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def run_lesson(tmp_path, monkeypatch, capsys) -> Callable[[str, str], tuple[World, str]]:
    """run_lesson(number, kind) -> (the simulated board's World after the lesson, what it printed).
    The lesson runs in an empty folder (tmp_path), where files it writes land."""

    def run(number: str, kind: str) -> tuple[World, str]:
        monkeypatch.chdir(tmp_path)
        sims: list = []
        with watch_sim_boards(sims.append):
            code = cli.main(["run", number, "--port", f"sim:{kind}?baud=0"])
        out, err = capsys.readouterr()
        assert code == 0, f"lesson {number} on sim:{kind} failed:\n{err}\n{out}"
        assert len(sims) == 1, f"lesson {number} opened {len(sims)} simulated boards, not one"
        return sims[0].world, out

    return run
