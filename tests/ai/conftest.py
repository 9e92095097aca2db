"""Fixtures for the AI layer: one simulated mPython board, and gesture data recorded from it."""

from __future__ import annotations

import pytest
from gestures import HZ, NAMES, WINDOW, record
from kitbridge.sim.hand import GESTURES

from kitbridge import Board
from kitbridge.ai import features, pick, windows



@pytest.fixture(scope="module")
def board():
    with Board("sim:mpython") as b:
        yield b


@pytest.fixture(scope="module")
def gesture_data(board):
    """(train rows, train labels, held-out rows, held-out labels): NAMES features of windows from
    separate recordings (training: 3 s a gesture; held out: 2 s, other seeds)."""
    def rows(seconds: float, seed: int) -> tuple[list[list[int]], list[str]]:
        xs, ys = [], []
        for i, gesture in enumerate(GESTURES):
            for w in windows(record(board, gesture, seconds, seed + i, hz=HZ), WINDOW, 10):
                xs.append(pick(features(w), NAMES))
                ys.append(gesture)
        return xs, ys

    return (*rows(3.0, 0), *rows(2.0, 100))
