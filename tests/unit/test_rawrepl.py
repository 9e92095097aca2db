"""The raw-REPL session's flow control, against a raw REPL on a pty with and without raw-paste.

The QEMU layer proves the same on MicroPython 1.9.2 itself (tests/qemu/test_qemu_rawrepl.py);
raw-paste needs a MicroPython that has it, which no emulator here runs.
"""

import ast

import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st
from kitbridge.errors import DeviceError
from kitbridge.link.rawrepl import RawRepl, literal_pieces
from repl_board import ReplBoard

LONG_CODE = "s='%s'\nt='\\'\\\\\\n\u00e9'\nprint(len(s), len(t))" % ("k" * 500)


@pytest.fixture
def ports():
    """Opens a board's pty as the host would; closes what it opened after the test."""
    opened: list[serial.Serial] = []

    def open_port(board: ReplBoard) -> serial.Serial:
        opened.append(serial.Serial(board.port, timeout=0.05))
        return opened[-1]

    yield open_port
    for port in opened:
        port.close()


def session(port: serial.Serial) -> tuple[RawRepl, list[int]]:
    """A RawRepl on the board's pty, and the size of every write it makes."""
    repl = RawRepl(port, name="the test board")
    writes: list[int] = []
    write = repl.port.write
    repl.port.write = lambda data: (writes.append(len(data)), write(data))[1]
    repl.interrupt()
    repl.enter()
    return repl, writes


def test_long_code_on_a_board_with_raw_paste_keeps_to_its_window(ports):
    with ReplBoard("esp32-devkitc", paste_window=32) as board:
        repl, writes = session(ports(board))
        assert repl.exec(LONG_CODE) == "500 4\r\n"
        assert repl.paste is True
        assert board.overrun == 0
        assert max(writes) <= 32
        assert repl.exec(LONG_CODE) == "500 4\r\n" and board.overrun == 0  # the window starts afresh


def test_long_code_on_old_firmware_goes_in_answered_pieces_that_fit_its_buffer(ports):
    with ReplBoard("microbit-v1") as board:
        repl, writes = session(ports(board))
        assert repl.exec(LONG_CODE) == "500 4\r\n"
        assert repl.paste is False
        assert max(writes) <= repl.burst
        assert len(writes) > 500 / repl.burst
        assert repl.exec("print([n for n in globals() if n.startswith('_k')])") == "[]\r\n"


def test_long_code_that_raises_is_a_device_error_and_leaves_nothing_behind(ports):
    with ReplBoard("microbit-v1") as board:
        repl, _ = session(ports(board))
        with pytest.raises(DeviceError, match="ZeroDivisionError") as caught:
            repl.exec("x=1\n" * 30 + "1/0")
        assert caught.value.code == "E_INTERNAL"
        assert repl.exec("print(x, '_kb' in globals())") == "1 False\r\n"


def test_a_burst_the_board_cannot_take_whole_is_refused():
    with pytest.raises(ValueError, match="burst"):
        RawRepl(None, burst=64)
    with pytest.raises(ValueError, match="burst"):
        RawRepl(None, burst=20)  # too short for the command that runs uploaded pieces


@given(st.text(), st.integers(min_value=8, max_value=63))
def test_literal_pieces_fit_the_budget_and_rebuild_the_text(text: str, budget: int):
    pieces = list(literal_pieces(text, budget))
    assert "".join(ast.literal_eval(literal) for literal, _ in pieces) == text
    assert sum(size for _, size in pieces) == len(text.encode("utf-8"))
    # A piece may pass the budget only when one character's escape alone does (a 4-byte emoji).
    assert all(len(literal.encode("utf-8")) <= max(budget, 6) for literal, _ in pieces)
