"""Fixtures for the sim layer: simulated boards that always stop, ports that always close."""

from __future__ import annotations

import pytest
import serial
from kitbridge import Board
from kitbridge.sim import SimBoard


@pytest.fixture
def make_board():
    """make_board(kind, **options) -> a started SimBoard, stopped after the test."""
    boards: list[SimBoard] = []

    def make(kind: str = "mpython", **options) -> SimBoard:
        board = SimBoard(kind, **options).start()
        boards.append(board)
        return board

    yield make
    for board in boards:
        board.stop()
        assert not board.alive, f"the simulated {board.kind}'s thread outlived stop()"


@pytest.fixture
def open_port():
    """open_port(board) -> serial.Serial on the board's pty, closed after the test."""
    ports: list[serial.Serial] = []

    def open_(board: SimBoard, timeout: float = 1.0) -> serial.Serial:
        ser = serial.Serial(board.port, 115200, timeout=timeout)
        ports.append(ser)
        return ser

    yield open_
    for ser in ports:
        ser.close()


@pytest.fixture
def board():
    """An mPython board on an unpaced line (a test module may define its own)."""
    with Board("sim?baud=0") as board:
        yield board


@pytest.fixture
def microbit():
    """A micro:bit v2, for the other board family."""
    with Board("sim:microbit-v2?baud=0") as board:
        yield board
