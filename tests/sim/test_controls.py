"""kitbridge.sim.controls: each key moves the World as its help line says, only the keys a lesson's
devices need exist, and held keys (a terminal repeats them) hold a button, with time given."""

from __future__ import annotations

import pytest
from kitbridge.boards import load_board
from kitbridge.lessons import find_lesson
from kitbridge.sim import World
from kitbridge.sim.controls import HOLD, Controls, Reading, outputs


def controls_for(kind: str, devices, wired=None) -> Controls:
    return Controls(World(load_board(kind)), devices, wired, clock=lambda: 0.0)


def keys(controls: Controls) -> set[str]:
    return {k for which, _ in controls.help() for k in which.split()}


def test_a_lesson_gets_the_keys_of_its_devices_and_never_q():
    night_light = controls_for("mpython", find_lesson("03").devices)
    assert keys(night_light) == {"a", "A", "1", "2"}
    gestures = controls_for("mpython", find_lesson("13").devices)
    assert keys(gestures) == {"a", "b", "A", "B", "s", "z", "x", "w"}
    parking = controls_for("esp32-devkitc", find_lesson("06").devices)
    assert keys(parking) == {"7", "8"}
    for lesson_keys in (keys(night_light), keys(gestures), keys(parking)):
        assert "q" not in lesson_keys  # the terminal's quit key
    assert not night_light.key("7"), "a key the lesson has no device for does nothing"


def test_a_button_the_board_lacks_gets_no_key():
    devkit = controls_for("esp32-devkitc", ["button_a", "button_b"])  # the DevKitC has BOOT as A only
    assert keys(devkit) == {"a", "A"}


def test_a_tapped_key_holds_its_button_until_the_key_stops_repeating():
    c = controls_for("mpython", ["button_a"])
    c.key("a", now=10.0)
    assert c.world.is_pressed("a")
    c.key("a", now=10.5)  # the terminal repeats a held key
    c.tick(now=10.5 + HOLD - 0.01)
    assert c.world.is_pressed("a") and c.world.presses("a") == 1
    c.tick(now=10.5 + HOLD)
    assert not c.world.is_pressed("a")


def test_shift_latches_a_button_down_until_pressed_again():
    c = controls_for("mpython", ["button_a", "button_b"])
    c.key("B", now=0.0)
    c.tick(now=100.0)
    assert c.world.is_pressed("b")
    c.key("b", now=100.0)  # a tap leaves the latched button down
    c.tick(now=200.0)
    assert c.world.is_pressed("b")
    c.key("B", now=200.0)
    assert not c.world.is_pressed("b") and c.world.presses("b") == 1


def test_number_keys_step_the_quantities_within_their_range():
    c = controls_for("mpython", ["light", "sound (microphone)", "DHT11"])
    for _ in range(3):
        c.key("1")
    assert c.world.light == pytest.approx(0.2)
    for _ in range(20):
        c.key("2")
    assert c.world.light == 1.0
    c.key("4")
    c.key("9")
    c.key("6")
    assert (c.world.temperature, c.world.humidity, c.world.sound) == (23.0, 45.0, pytest.approx(0.1))


def test_a_clap_is_loud_for_a_moment_then_the_room_is_as_before():
    c = controls_for("mpython", ["sound (microphone)"])
    c.key("6", now=0.0)
    c.key("c", now=1.0)
    assert c.world.sound == 0.9
    c.tick(now=1.1)
    assert c.world.sound == 0.9
    c.tick(now=1.3)
    assert c.world.sound == pytest.approx(0.1)


def test_the_wall_comes_nearer_step_by_step_from_nothing_in_range():
    c = controls_for("mpython", ["HC-SR04 distance sensor"])
    assert c.world.distance is None
    c.key("7")
    assert c.world.distance == 200
    for _ in range(30):
        c.key("7")
    assert c.world.distance == 3
    c.key("8")
    assert c.world.distance == 6


def test_gesture_keys_move_the_board_as_a_hand_does():
    c = controls_for("mpython", ["accelerometer"])
    try:
        c.key("z")
        assert c.world.wait_for(lambda: c.world.acceleration[0] < -0.3, timeout=2), "tilted left"
        c.key("w")
        assert c.world.wait_for(lambda: abs(c.world.acceleration[0]) > 1.5, timeout=2), "shaken"
        assert Reading("hand", "shake") in c.readings()
    finally:
        c.close()
    assert not c.hand.is_alive()


def test_the_knob_turns_on_the_pin_the_lesson_wired():
    c = controls_for("microbit-v2", find_lesson("05").devices, wired={"knob": 1})
    c.world.set_analog(1, 512)
    c.key("[")
    assert c.world.read_analog(1) == 448
    for _ in range(20):
        c.key("]")
    assert c.world.read_analog(1) == 1023
    assert Reading("knob", "1.00") in c.readings()


def test_a_face_steps_in_front_of_the_camera_where_its_servo_points():
    c = controls_for("mpython", ["HuskyLens (I2C)", "servo (SG90)"], wired={"camera": 8})
    c.world.parts.servo(8, angle=90)
    c.key("f")
    (face,) = c.world.scene.things("face")
    assert face.x == 160  # straight ahead
    c.key(",")  # you walk 10° to the camera's left
    assert face.x == 160 - round(10 * 320 / 60)
    c.key("f")
    assert c.world.scene.things("face") == []


def test_the_status_shows_the_inputs_and_what_the_board_drives():
    c = controls_for("mpython", find_lesson("03").devices)
    c.world.light = 0.2
    c.world.record("pin 7 neopixel", ((0, 0, 32), (0, 0, 0), (0, 0, 0)))  # the mPython's LED is RGB LED 0
    shown = {r.name: r.text for r in c.readings()}
    assert shown["light"] == "0.2" and shown["LED"] == "on" and shown["buttons"] == "-"
    assert "buzzer" not in shown, "lesson 03 uses no buzzer"
    assert "RGB" not in shown


def test_outputs_name_servos_tones_and_strips():
    world = World(load_board("mpython"))
    world.parts.servo(8, angle=45)
    world.record("pin 6 pwm", (512, 880))
    world.record("pin 7 neopixel", ((255, 0, 0), (0, 0, 0), (0, 0, 0)))
    world.record("pin 25", 1)
    shown = {r.name: r for r in outputs(world, lambda *words: True)}
    assert shown["servo 8"].text == "45°" and shown["buzzer"].text == "880 Hz"
    assert shown["RGB"].colours[0] == (255, 0, 0) and shown["pin 25"].text == "on"
