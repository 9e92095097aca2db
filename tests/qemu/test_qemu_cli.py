"""`kitbridge deploy --port PTY` on the emulated micro:bit, as a teacher would run it."""

from __future__ import annotations

from kitbridge import Board
from kitbridge.cli import main


def test_deploy_command_installs_the_firmware_and_a_second_run_sends_nothing(board, capsys):
    assert main(["deploy", "--port", board.pty]) == 0
    first = capsys.readouterr().out
    assert "kit firmware 0.1.0 on microbit-v1" in first
    assert "main.py" in first
    assert main(["deploy", "--port", board.pty]) == 0
    assert "sent nothing (all files unchanged)" in capsys.readouterr().out
    with Board(board.pty) as kit:
        assert kit.kind == "microbit-v1"


def test_deploy_command_fails_with_the_reason_when_the_board_is_gone(board, capsys):
    board.stop()
    assert main(["deploy", "--port", board.pty]) == 1
    out = capsys.readouterr().out
    assert board.pty in out
    assert "deploy failed" in out or "could not open" in out
