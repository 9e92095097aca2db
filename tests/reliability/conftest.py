"""Fixtures for the reliability layer: a simulated board on its pty, and Boards that always close."""

from __future__ import annotations

import pytest
from kitbridge import Board
from kitbridge.sim import SimBoard


@pytest.fixture
def sim():
    """A running simulated mPython board, unpaced, stopped after the test."""
    board = SimBoard("mpython", baud=0).start()
    yield board
    board.stop()


@pytest.fixture
def connect():
    """connect(port, **options) -> a Board, closed after the test."""
    boards: list[Board] = []

    def make(port: str, **options) -> Board:
        board = Board(port, **options)
        boards.append(board)
        return board

    yield make
    for board in boards:
        board.close()
