"""A pulled cable: calls end with ConnectionLost within 1 s; reconnect() brings back what was set."""

from __future__ import annotations

import threading
import time

import pytest
from kitbridge import Board, ConnectionLost

LOST_WITHIN = 1.0


def test_a_blocked_call_ends_with_connection_lost_within_a_second(sim, connect):
    board = connect(sim.port, deadman=None)
    caught = []

    def wait_forever():
        try:
            board.button_a.wait_for_press()  # blocks: nobody presses
        except ConnectionLost as exc:
            caught.append((time.monotonic(), exc))

    waiter = threading.Thread(target=wait_forever)
    waiter.start()
    assert sim.world.wait_for(lambda: board._client.last_sent > 0, timeout=1)
    pulled = time.monotonic()
    sim.stop()
    waiter.join(3)
    assert caught, "the blocked call did not end"
    assert caught[0][0] - pulled < LOST_WITHIN
    assert "check the cable" in str(caught[0][1])


def test_the_next_call_raises_connection_lost_within_a_second(sim, connect):
    board = connect(sim.port)
    sim.stop()
    pulled = time.monotonic()
    with pytest.raises(ConnectionLost):
        while time.monotonic() - pulled < 3:
            board.pin(1).read_analog()
    assert time.monotonic() - pulled < LOST_WITHIN


def test_reconnect_restores_outputs_deadman_and_callbacks():
    with Board("sim?baud=0", deadman=0.4) as board:
        sim = board.sim
        world = sim.world
        board.pin(0).write_digital(1)
        board.pin(8).write_analog(300, frequency=1000)
        board.pin(13).set_pull("up")
        board.led.on()
        pressed = threading.Event()
        board.button_a.when_pressed = pressed.set
        sim.stop()
        with pytest.raises(ConnectionLost):
            board.request("ping")
        assert world.value(world.pin_name(33)) == 0  # switched off: outputs dark
        sim.restart()
        board.reconnect(timeout=3)
        assert world.value(world.pin_name(33)) == 1
        assert world.value(world.pin_name(26) + " pwm") == (300, 1000)
        assert world.led
        world.press("a")
        assert pressed.wait(2)
        # the deadman is armed again: a silent host has its outputs stopped
        board._client._keepalive_stop.set()
        assert world.wait_for(lambda: world.value(world.pin_name(33)) == 0, timeout=2)


def test_reconnect_to_a_board_that_stays_off_fails_clearly_and_can_be_retried():
    from kitbridge import BoardNotFound

    with Board("sim?baud=0") as board:
        board.sim.stop()
        with pytest.raises(BoardNotFound, match="switched off"):
            board.reconnect(timeout=0.3)
        with pytest.raises(ConnectionLost):
            board.request("ping")
        board.sim.restart()
        board.reconnect(timeout=3)
        assert board.request("ping").isdigit()


def test_a_board_reset_is_noticed_and_its_outputs_restored(sim, connect):
    board = connect(sim.port)
    world = sim.world
    board.pin(0).write_digital(1)
    board.pin(1).write_digital(1)
    board.pin(1).read_digital()  # a read makes pin 1 an input: it is not driven again
    resets = len(world.history("board"))
    sim.reset()
    assert world.wait_for(lambda: len(world.history("board")) > resets, timeout=2)
    assert world.wait_for(lambda: world.value(world.pin_name(33)) == 1, timeout=2)
    assert world.value(world.pin_name(32)) == 0
    assert board.request("ping").isdigit()


def test_auto_reconnect_brings_the_board_back_and_calls_in_between_never_hang():
    with Board("sim?baud=0", reconnect=True) as board:
        sim, world = board.sim, board.sim.world
        board.pin(0).write_digital(1)
        sim.stop()
        started = time.monotonic()
        with pytest.raises(ConnectionLost):
            while True:
                board.request("ping", timeout=0.5)
        assert time.monotonic() - started < LOST_WITHIN
        for _ in range(5):  # during the outage: at once, never a hang
            t = time.monotonic()
            with pytest.raises(ConnectionLost):
                board.request("ping")
            assert time.monotonic() - t < 0.5
        sim.restart()
        assert world.wait_for(lambda: world.value(world.pin_name(33)) == 1, timeout=5)
        assert board.request("ping").isdigit()
