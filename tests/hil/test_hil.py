"""A real board: what only hardware can prove. Needs `--board PORT`; nothing to wire unless noted."""

from __future__ import annotations

import time

from kitbridge import wire


def test_handshake_names_a_known_board(board):
    assert board.info["proto"] == str(wire.PROTOCOL)
    assert board.kind in ("mpython", "esp32-devkitc", "microbit-v1", "microbit-v2")
    assert int(board.info["rx"]) > 0


def test_led_follows_commands(board):
    board.led.on()
    assert board.led.is_lit
    board.led.off()
    assert not board.led.is_lit


def test_round_trip_is_quick_on_a_real_line(board):
    times = []
    for _ in range(50):
        started = time.perf_counter()
        board.request("ping")
        times.append(time.perf_counter() - started)
    times.sort()
    assert times[len(times) // 2] < 0.1  # a stuck or misconfigured line, not a benchmark


def test_buttons_read_released_when_nobody_touches_them(board):
    for letter in "ab":
        if board.spec.has(f"button_{letter}"):
            assert getattr(board, f"button_{letter}").is_pressed is False


def test_board_ticks_advance(board):
    first = int(board.request("ping"))
    time.sleep(0.05)
    assert (int(board.request("ping")) - first) % (1 << 24) >= 40
