"""Add-on sensors on pins, end to end on simulated boards: distance, DHT, motion, analog."""

from __future__ import annotations

import threading

import pytest
from kitbridge import (
    DHT11,
    DHT22,
    AnalogSensor,
    DeviceError,
    DistanceSensor,
    KitTimeout,
    MotionSensor,
)

# ---- DistanceSensor ----------------------------------------------------------------------

def test_distance_sensor_times_the_echo(board):
    world = board.sim.world
    world.parts.distance_sensor(13, 14)
    world.temperature = 20
    world.distance = 50
    sensor = DistanceSensor(board, trigger=13, echo=14)
    assert sensor.distance == pytest.approx(50, abs=0.5)
    assert sensor.raw == pytest.approx(50 * 58.3, abs=10)
    world.distance = 12.5
    assert sensor.distance == pytest.approx(12.5, abs=0.3)


def test_sound_is_faster_in_warm_air(board):
    world = board.sim.world
    world.parts.distance_sensor(13, 14)
    world.distance = 100
    sensor = DistanceSensor(board, trigger=13, echo=14)
    world.temperature = 0
    cold = sensor.raw
    world.temperature = 35
    assert sensor.raw < cold - 100


def test_nothing_in_range_reads_max_distance(board):
    world = board.sim.world
    world.parts.distance_sensor(13, 14)
    world.distance = None
    sensor = DistanceSensor(board, trigger=13, echo=14, max_distance=200)
    assert sensor.raw == -1
    assert sensor.distance == 200


def test_wait_for_something_in_range(board):
    world = board.sim.world
    world.parts.distance_sensor(13, 14)
    world.distance = 100
    sensor = DistanceSensor(board, trigger=13, echo=14)
    timer = threading.Timer(0.2, setattr, (world, "distance", 8))
    timer.start()
    try:
        assert sensor.wait_for_in_range(20, timeout=3) < 20
    finally:
        timer.cancel()
    with pytest.raises(KitTimeout, match="nothing came closer than 5 cm within 0.2 s"):
        sensor.wait_for_in_range(5, timeout=0.2)


def test_an_unwired_distance_sensor_is_a_timeout_naming_its_pins(board):
    board.sim.world.distance = 30
    sensor = DistanceSensor(board, trigger=13, echo=14)
    with pytest.raises(KitTimeout, match="no echo on pin 14: wire Echo to pin 14, Trig to pin 13"):
        _ = sensor.distance


def test_distance_sensor_refuses_bad_pins(board):
    with pytest.raises(ValueError, match="pin 2 .* cannot be an HC-SR04 Trig pin"):
        DistanceSensor(board, trigger=2, echo=14)
    with pytest.raises(ValueError, match="two different pins"):
        DistanceSensor(board, trigger=13, echo=13)
    with pytest.raises(ValueError, match=r"2\.\.400 cm"):
        DistanceSensor(board, trigger=13, echo=14, max_distance=1000)


def test_distance_sensor_on_a_microbit(microbit):
    world = microbit.sim.world
    world.parts.distance_sensor(1, 2)
    world.distance = 40
    assert DistanceSensor(microbit, trigger=1, echo=2).distance == pytest.approx(40, abs=0.5)


# ---- DHT11 / DHT22 -------------------------------------------------------------------------

def test_dht11_reads_whole_degrees_and_percent(board):
    world = board.sim.world
    world.parts.dht11(15)
    world.temperature, world.humidity = 23.4, 61.2
    sensor = DHT11(board, 15)
    assert sensor.read() == (23.0, 61.0)
    assert sensor.temperature == 23.0 and sensor.humidity == 61.0


def test_dht11_is_asked_at_most_once_a_second(board):
    world = board.sim.world
    part = world.parts.dht11(15)
    world.temperature = 20
    sensor = DHT11(board, 15)
    assert sensor.temperature == 20
    world.temperature = 30
    assert sensor.temperature == 20, "within a second the board answers its last reading"
    assert part.reads == 1
    assert world.wait_for(lambda: sensor.temperature == 30, timeout=3)
    assert part.reads == 2


def test_dht22_reads_tenths(board):
    world = board.sim.world
    world.parts.dht22(16)
    world.temperature, world.humidity = 21.7, 48.3
    assert DHT22(board, 16).read() == (21.7, 48.3)


def test_an_unwired_dht11_is_a_timeout_naming_its_pin(board):
    with pytest.raises(KitTimeout, match="no DHT11 answers on pin 15"):
        _ = DHT11(board, 15).temperature


def test_a_dht22_is_not_a_dht11(board):
    board.sim.world.parts.dht22(15)
    with pytest.raises(KitTimeout, match="no DHT11 answers on pin 15"):
        DHT11(board, 15).read()


def test_dht11_needs_an_esp32_board(microbit):
    with pytest.raises(DeviceError, match="needs an ESP32 board"):
        DHT11(microbit, 0)


# ---- MotionSensor --------------------------------------------------------------------------

def test_motion_sensor_events_and_callbacks(board):
    world = board.sim.world
    world.parts.pir(13)
    pir = MotionSensor(board, 13)
    assert not pir.motion_detected
    seen = threading.Event()
    gone = threading.Event()
    pir.when_motion = seen.set
    pir.when_no_motion = gone.set
    world.motion = True
    pir.wait_for_motion(timeout=2)
    assert seen.wait(2) and pir.motion_detected
    world.motion = False
    pir.wait_for_no_motion(timeout=2)
    assert gone.wait(2) and not pir.motion_detected


def test_motion_sensor_already_seeing_motion(board):
    world = board.sim.world
    world.parts.pir(13)
    world.motion = True
    pir = MotionSensor(board, 13)
    assert pir.motion_detected
    pir.wait_for_motion(timeout=0.1)


def test_waiting_for_motion_that_never_comes_times_out(board):
    board.sim.world.parts.pir(13)
    pir = MotionSensor(board, 13)
    with pytest.raises(KitTimeout, match="no motion was detected on pin 13 within 0.2 s"):
        pir.wait_for_motion(timeout=0.2)


def test_motion_sensor_keeps_working_after_a_reset(board):
    world = board.sim.world
    world.parts.pir(13)
    board.request("reset")  # clears the board's watchers
    pir = MotionSensor(board, 13)
    world.motion = True
    pir.wait_for_motion(timeout=2)


def test_motion_sensor_on_a_microbit(microbit):
    world = microbit.sim.world
    world.parts.pir(1)
    pir = MotionSensor(microbit, 1)
    world.motion = True
    pir.wait_for_motion(timeout=2)


def test_motion_sensor_refuses_a_pin_without_input(board):
    with pytest.raises(ValueError, match="has no pin 12"):
        MotionSensor(board, 12)


# ---- AnalogSensor --------------------------------------------------------------------------

def test_analog_sensor_value_raw_and_volts(board):
    world = board.sim.world
    world.set_analog(1, 512)
    knob = AnalogSensor(board, 1)
    assert abs(knob.raw - 512) <= 2
    assert knob.value == pytest.approx(0.5, abs=0.01)
    assert knob.voltage == pytest.approx(1.65, abs=0.02)


def test_analog_sensor_waits_for_a_level(board):
    world = board.sim.world
    world.set_analog(1, 100)
    soil = AnalogSensor(board, 1)
    timer = threading.Timer(0.2, world.set_analog, (1, 900))
    timer.start()
    try:
        assert soil.wait_for_above(0.5, timeout=3) > 0.5
    finally:
        timer.cancel()
    with pytest.raises(KitTimeout, match="did not fall below 0.1 within 0.2 s"):
        soil.wait_for_below(0.1, timeout=0.2)
    with pytest.raises(ValueError, match=r"0\.\.1"):
        soil.wait_for_above(5)


def test_analog_sensor_needs_an_analog_pin(board):
    with pytest.raises(ValueError, match="pin 8 .* cannot read an analog sensor; pins that can: 0 1 2 3 4 10"):
        AnalogSensor(board, 8)


def test_analog_sensor_on_a_microbit(microbit):
    microbit.sim.world.set_analog(2, 300)
    assert abs(AnalogSensor(microbit, 2).raw - 300) <= 2
