"""World: inputs are checked, outputs are logged with times, waiting has a timeout."""

from __future__ import annotations

import threading

import pytest
from kitbridge.boards import load_board
from kitbridge.sim import World


@pytest.fixture
def world():
    return World(load_board("mpython"))


def test_inputs_are_checked_with_messages_that_say_the_rule(world):
    with pytest.raises(ValueError, match="0..1"):
        world.light = 1.5
    with pytest.raises(ValueError, match="buttons: a, b"):
        world.press("c")
    with pytest.raises(ValueError, match="no pin 12"):
        world.set_pin(12, 1)
    with pytest.raises(ValueError, match="0..1023"):
        world.set_analog(4, 2000)
    with pytest.raises(ValueError, match="P, Y, T"):
        world.touch("Q")


def test_buttons_count_presses_and_read_at_their_pins(world):
    assert world.read_level(5, "up") == 1
    world.press("a")
    world.press("a")  # already down: not a second press
    assert world.is_pressed("a") and world.presses("a") == 1
    assert world.read_level(5, "none") == 0  # pressed shorts the line to ground
    world.release("a")
    world.click("a", 0)
    assert world.presses("a") == 2 and not world.is_pressed("a")


def test_sensors_and_external_voltages_read_on_their_pins(world):
    world.light = 0.5
    assert world.read_analog(4) == 512  # the light sensor's pin
    world.set_pin(1, 1)
    assert world.read_level(1, "down") == 1 and world.read_analog(1) == 1023
    world.set_pin(1, None)
    assert world.read_level(1, "down") == 0 and world.read_level(1, "up") == 1
    world.touch("P")
    assert world.is_touched(23)


def test_outputs_are_logged_once_per_change_with_times(world):
    world.record("pin 1", 1)
    world.record("pin 1", 1)
    world.record("pin 1", 0)
    history = world.history("pin 1")
    assert [e.value for e in history] == [1, 0]
    assert history[0].t <= history[1].t
    assert world.value("pin 1") == 0 and world.value("pin 2", "never") == "never"


def test_wait_for_sees_a_change_from_another_thread_and_times_out_otherwise(world):
    threading.Timer(0.05, world.record, args=("pin 2", 1)).start()
    assert world.wait_for(lambda: world.value("pin 2") == 1, timeout=5)
    assert not world.wait_for(lambda: world.value("pin 3") == 1, timeout=0.05)


def test_led_follows_the_board_definition():
    mpython = World(load_board("mpython"))
    mpython.record("pin 7 neopixel", ((32, 32, 32), (0, 0, 0), (0, 0, 0)))
    assert mpython.led
    devkitc = World(load_board("esp32-devkitc"))
    devkitc.record("pin 2", 1)
    assert devkitc.led
    microbit = World(load_board("microbit-v1"))
    microbit.record("display", "00000:00000:00000:00000:00000")
    assert not microbit.led
