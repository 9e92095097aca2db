"""The port vanishes while the board stays powered (SimBoard.unplug()): the host notices within 1 s,
the board's deadman stops its outputs, and reconnect finds the board again, under a new name too."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from kitbridge import Board, BoardNotFound, ConnectionLost
from kitbridge.link.refind import reopen_serial
from kitbridge.sim import SimBoard

LOST_WITHIN = 1.0
MOTOR, SERVO = 0, 8  # mPython pins: a motor on a digital output, a servo on PWM


def outputs_on(sim: SimBoard) -> bool:
    world = sim.world
    return world.value(world.pin_name(33)) == 1 and world.value(world.pin_name(26) + " pwm") == (77, 50)


def outputs_safe(sim: SimBoard) -> bool:
    world = sim.world
    return world.value(world.pin_name(33)) == 0 and world.value(world.pin_name(26) + " pwm") is None


def drive(board: Board) -> threading.Event:
    """Motor on, servo holding, a callback on button A: what a reconnect must bring back."""
    board.pin(MOTOR).write_digital(1)
    board.pin(SERVO).write_analog(77, frequency=50)
    pressed = threading.Event()
    board.button_a.when_pressed = pressed.set
    return pressed


def test_unplugging_ends_a_blocked_call_within_a_second_and_the_deadman_makes_outputs_safe(sim, connect):
    board = connect(sim.port)
    drive(board)
    assert outputs_on(sim)
    caught: list[tuple[float, BaseException]] = []

    def wait_for_a_press() -> None:
        try:
            board.button_a.wait_for_press()  # blocks: nobody presses
        except ConnectionLost as exc:
            caught.append((time.monotonic(), exc))

    waiter = threading.Thread(target=wait_for_a_press)
    waiter.start()
    old_port = sim.port
    pulled = time.monotonic()
    sim.unplug()
    waiter.join(3)
    assert caught, "the blocked call did not end"
    assert caught[0][0] - pulled < LOST_WITHIN
    assert "check the cable" in str(caught[0][1])
    with pytest.raises(ConnectionLost):
        board.pin(1).read_analog()  # the next call too
    assert time.monotonic() - pulled < LOST_WITHIN
    # the board runs on, hears nobody, and its deadman stops the motor and releases the servo
    assert sim.world.wait_for(lambda: outputs_safe(sim), timeout=1)
    assert sim.alive and sim.state == "running" and not sim.plugged
    assert not Path(old_port).exists(), "the port should vanish, as a USB serial device's does"


def test_manual_reconnect_finds_the_board_under_a_new_name_by_its_uid(sim, connect):
    board = connect(sim.port)
    pressed = drive(board)
    uid, old_port = board.uid, sim.port
    sim.unplug()
    assert sim.world.wait_for(lambda: outputs_safe(sim), timeout=1)
    with pytest.raises(BoardNotFound, match="not back"):
        board.reconnect(timeout=0.3)  # still unplugged: a clear error, and the Board may try again
    sim.replug(new_path=True)  # as a USB board re-enumerating as /dev/ttyUSB1
    assert sim.port != old_port
    board.reconnect(timeout=3)
    assert board.port == sim.port and board.uid == uid
    assert outputs_on(sim)
    sim.world.press("a")
    assert pressed.wait(2), "the callback did not survive the reconnect"
    board._client._keepalive_stop.set()  # the deadman is armed again: a silent host has its outputs stopped
    assert sim.world.wait_for(lambda: outputs_safe(sim), timeout=2)


def test_auto_reconnect_finds_the_replugged_board_and_restores_everything(sim, connect):
    board = connect(sim.port, reconnect=True)
    pressed = drive(board)
    stream = board.accelerometer.stream(hz=50)
    assert next(stream) is not None
    sim.unplug()
    assert sim.world.wait_for(lambda: outputs_safe(sim), timeout=1)
    with pytest.raises(ConnectionLost):
        board.request("ping")  # during the outage: at once
    sim.replug(new_path=True)
    assert sim.world.wait_for(lambda: outputs_on(sim), timeout=5)
    assert board.port == sim.port
    sim.world.press("a")
    assert pressed.wait(2)
    assert sim.world.wait_for(lambda: stream.gaps, timeout=3), "the stream did not resume"
    assert stream.gaps[0].lost is not None and stream.gaps[0].lost > 0
    stream.close()
    board._client._keepalive_stop.set()  # the deadman is armed again
    assert sim.world.wait_for(lambda: outputs_safe(sim), timeout=2)


def test_the_sim_link_says_the_board_is_unplugged_until_it_is_replugged():
    with Board("sim?baud=0") as board:
        sim = board.sim
        board.pin(MOTOR).write_digital(1)
        sim.unplug()
        with pytest.raises(BoardNotFound, match="unplugged"):
            board.reconnect(timeout=0.3)
        sim.replug()
        board.reconnect(timeout=3)
        assert sim.world.value(sim.world.pin_name(33)) == 1


def test_another_board_on_the_old_name_is_not_taken_for_this_one():
    with SimBoard("mpython", baud=0) as mine, SimBoard("mpython", baud=0) as other, Board(mine.port) as board:
        uid = board.uid
        mine.unplug()
        mine.replug(new_path=True)
        # as if `other` had been given this board's old name: it answers, with another uid
        link = reopen_serial(other.port, uid, time.monotonic() + 3)
        try:
            assert link.name == mine.port
        finally:
            link.close()


def test_unplug_and_replug_need_a_running_board():
    sim = SimBoard("mpython", baud=0)
    with pytest.raises(Exception, match="not running"):
        sim.unplug()
    sim.start()
    try:
        sim.unplug()
        sim.unplug()  # idempotent
        assert not sim.plugged
        sim.replug()
        assert sim.plugged and sim.port is not None
    finally:
        sim.stop()
    assert not sim.plugged
