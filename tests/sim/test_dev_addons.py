"""Add-on actuators on pins, end to end on simulated boards: host class -> firmware driver ->
fake MicroPython -> a part wired in World.parts, and back. Sensors: test_dev_addon_sensors.py."""

from __future__ import annotations

import time

import pytest
from kitbridge import (
    LED,
    AnalogSensor,
    Board,
    DeviceError,
    DistanceSensor,
    MotionSensor,
    Motor,
    NeoPixel,
    Relay,
    Servo,
)


def test_every_addon_is_exported_from_kitbridge():
    import kitbridge

    for name in ("Servo", "Motor", "Relay", "LED", "NeoPixel", "DistanceSensor", "DHT11", "MotionSensor",
                 "AnalogSensor"):
        assert isinstance(getattr(kitbridge, name), type), name


# ---- Servo -------------------------------------------------------------------------------

def test_servo_pulses_and_the_horn_slews_there(board):
    world = board.sim.world
    horn = world.parts.servo(0, angle=0, speed=600)
    servo = Servo(board, 0)
    servo.angle = 180
    assert world.value("pin 0 pwm") == (servo.duty_for(180), 50)
    assert servo.duty_for(180) == 128  # 2.5 ms of 20 ms
    assert horn.target == pytest.approx(180, abs=1)
    assert horn.angle < 150, "a real servo needs time to turn 180 degrees"
    assert world.wait_for(lambda: abs(horn.angle - 180) < 1, timeout=2)
    servo.mid()
    assert world.wait_for(lambda: abs(horn.angle - 90) < 1, timeout=2)
    assert servo.angle == 90


def test_a_detached_servo_stays_where_it_is(board):
    world = board.sim.world
    horn = world.parts.servo(0, angle=0)
    servo = Servo(board, 0)
    servo.angle = 45
    assert world.wait_for(lambda: abs(horn.angle - 45) < 1, timeout=2)
    servo.detach()
    assert servo.angle is None
    assert world.value("pin 0 pwm") is None
    assert horn.target is None and abs(horn.angle - 45) < 1


def test_servo_refuses_angles_outside_its_safe_range(board):
    servo = Servo(board, 0, min_angle=30, max_angle=150)
    with pytest.raises(ValueError, match=r"30\.\.150 degrees"):
        servo.angle = 160
    with pytest.raises(ValueError, match=r"0\.\.180 degrees"):
        Servo(board, 0, max_angle=270)
    assert board.sim.world.value("pin 0 pwm") is None, "a refused angle must send nothing"


def test_servo_needs_a_pwm_pin(board):
    with pytest.raises(ValueError, match="pin 2 .* cannot drive a servo .*pins that can: 0 1 6"):
        Servo(board, 2)


def test_the_deadman_makes_a_servo_go_limp():
    with Board("sim?baud=0", deadman=0.2) as board:
        world = board.sim.world
        Servo(board, 0).angle = 90
        board._client._keepalive_stop.set()  # the host goes silent, as a crashed script does
        assert world.wait_for(lambda: world.value("pin 0 pwm") is None, timeout=2)


# ---- Motor -------------------------------------------------------------------------------

def test_motor_speed_and_direction(board):
    wheel = board.sim.world.parts.motor(8, 9)
    motor = Motor(board, forward=8, backward=9)
    motor.forward(0.5)
    assert wheel.speed == pytest.approx(0.5, abs=0.01)
    assert board.sim.world.value("pin 8 pwm") == (512, 1000)
    motor.reverse()
    assert wheel.speed == pytest.approx(-0.5, abs=0.01)
    motor.backward()
    assert wheel.speed == pytest.approx(-1)
    motor.stop()
    assert wheel.speed == 0 and not motor.is_active


def test_motor_refuses_bad_speeds_and_pins(board):
    motor = Motor(board, 8, 9)
    with pytest.raises(ValueError, match=r"-1\.\.1"):
        motor.speed = 1.5
    with pytest.raises(ValueError, match=r"0\.\.1"):
        motor.forward(-0.2)
    with pytest.raises(ValueError, match="two different pins"):
        Motor(board, 8, 8)
    with pytest.raises(ValueError, match="pin 3 .* cannot drive a motor"):
        Motor(board, 8, 3)


# ---- Relay and LED ---------------------------------------------------------------------------

def test_relay_switches_and_honours_low_trigger_modules(board):
    world = board.sim.world
    pump = Relay(board, 13)
    assert world.value("pin 13") == 0 and not pump.is_active
    pump.on()
    assert world.value("pin 13") == 1 and pump.is_active
    fan = Relay(board, 14, active_high=False)
    assert world.value("pin 14") == 1, "a low-trigger relay is open while its input is high"
    fan.on()
    assert world.value("pin 14") == 0
    with pytest.raises(ValueError, match="0 or 1"):
        pump.value = 2
    with pytest.raises(ValueError, match="cannot drive a relay"):
        Relay(board, 4)


def test_the_deadman_and_reset_leave_a_low_trigger_relay_open_and_other_outputs_low():
    with Board("sim?baud=0", deadman=0.2) as board:
        world = board.sim.world
        pump, fan = Relay(board, 13), Relay(board, 14, active_high=False)
        pump.on()
        fan.on()
        assert (world.value("pin 13"), world.value("pin 14")) == (1, 0)
        board._client._keepalive_stop.set()  # the host goes silent, as a crashed script does
        assert world.wait_for(lambda: world.value("pin 14") == 1, timeout=2), "the fan's relay closed at the deadman"
        assert world.value("pin 13") == 0
    with Board("sim?baud=0") as board:
        world = board.sim.world
        fan = Relay(board, 14, active_high=False)
        fan.on()
        board.request("reset")
        assert world.value("pin 14") == 1


def test_a_board_reset_keeps_a_low_trigger_relay_open_at_the_next_deadman():
    with Board("sim?baud=0", deadman=0.3) as board:
        world = board.sim.world
        Relay(board, 14, active_high=False).on()
        board.sim.reset()  # the reset button: the board forgets everything, the Board sets it again
        assert world.wait_for(lambda: world.value("pin 14") == 0, timeout=3), "the relay was not set again"
        board._client._keepalive_stop.set()
        assert world.wait_for(lambda: world.value("pin 14") == 1, timeout=2), "the relay closed at the deadman"


def test_a_low_trigger_relay_on_a_microbit_v1_warns_that_its_deadman_closes_it(microbit_v1, caplog):
    with caplog.at_level("WARNING", logger="kitbridge.devices.relay"):
        fan = Relay(microbit_v1, 8, active_high=False)
    assert "no room for the 'rest' driver" in caplog.text and microbit_v1.sim.world.value("pin 8") == 1
    fan.on()
    assert microbit_v1.sim.world.value("pin 8") == 0


def test_external_led_on_off_and_brightness(board):
    world = board.sim.world
    led = LED(board, 13)
    led.on()
    assert world.value("pin 13") == 1 and led.is_lit
    led.brightness = 0.25
    assert world.value("pin 13 pwm") == (256, 1000)
    assert led.brightness == 0.25 and led.is_lit
    led.off()
    assert world.value("pin 13") == 0 and world.value("pin 13 pwm") is None and not led.is_lit
    with pytest.raises(ValueError, match=r"0\.\.1"):
        led.brightness = 2


def test_external_led_blinks_by_itself_n_times(board):
    world = board.sim.world
    led = LED(board, 13)
    led.blink(on_time=0.03, off_time=0.03, n=3)
    assert world.wait_for(lambda: [e.value for e in world.history("pin 13")].count(1) == 3
                          and world.value("pin 13") == 0, timeout=2)
    lit = [e for e in world.history("pin 13") if e.value == 1]
    assert len(lit) == 3
    assert lit[2].t - lit[0].t >= 0.1, "two whole periods between the first and third flash"


def test_a_blinking_led_stops_when_told_and_when_the_host_goes_silent():
    with Board("sim?baud=0", deadman=0.2) as board:
        world = board.sim.world
        led = LED(board, 13)
        led.blink(0.02, 0.02)
        assert world.wait_for(lambda: [e.value for e in world.history("pin 13")].count(1) >= 3, timeout=2)
        led.on()
        count = len(world.history("pin 13"))
        assert world.value("pin 13") == 1
        led.blink(0.02, 0.02)
        board._client._keepalive_stop.set()
        assert world.wait_for(lambda: len(world.history("pin 13")) > count + 4, timeout=2)

        def dark_for_a_while() -> bool:
            last = world.history("pin 13")[-1]
            return last.value == 0 and time.monotonic() - last.t > 0.15  # several blink periods

        assert world.wait_for(dark_for_a_while, timeout=3)
        settled = len(world.history("pin 13"))
        assert not world.wait_for(lambda: len(world.history("pin 13")) > settled, timeout=0.3), \
            "the blink went on after the deadman made the outputs safe"


def test_the_boards_own_led_cannot_blink(board):
    with pytest.raises(ValueError, match=r"wire an LED to a pin: LED\(board, 0\)"):
        board.led.blink()


# ---- NeoPixel strip ----------------------------------------------------------------------

def test_neopixel_strip_colours_fill_and_brightness(board):
    world = board.sim.world
    strip = NeoPixel(board, 13, count=4)
    strip[1] = (255, 0, 0)
    assert world.value("pin 13 neopixel") == ((0, 0, 0), (255, 0, 0), (0, 0, 0), (0, 0, 0))
    strip.fill("#0000ff")
    assert world.value("pin 13 neopixel") == ((0, 0, 255),) * 4
    strip.brightness = 0.5
    assert world.value("pin 13 neopixel") == ((0, 0, 128),) * 4
    assert strip[0] == (0, 0, 255) and len(list(strip)) == 4


def test_neopixel_sends_long_strips_in_pieces_that_fit_a_short_line(board):
    board._client.max_line = 48  # a micro:bit's
    strip = NeoPixel(board, 13, count=10, auto_write=False)
    for i in range(10):
        strip[i] = (i, 2 * i, 3 * i)
    assert board.sim.world.value("pin 13 neopixel") is None, "auto_write=False sends nothing until show()"
    strip.show()
    assert board.sim.world.value("pin 13 neopixel") == tuple((i, 2 * i, 3 * i) for i in range(10))


def test_neopixel_on_a_microbit(microbit):
    strip = NeoPixel(microbit, 0, count=3)
    strip[2] = "#102030"
    assert microbit.sim.world.value("pin 0 neopixel") == ((0, 0, 0), (0, 0, 0), (16, 32, 48))


def test_neopixel_refuses_bad_colours_and_indexes(board):
    strip = NeoPixel(board, 13, count=4)
    with pytest.raises(ValueError, match=r"each 0\.\.255"):
        strip[0] = (256, 0, 0)
    with pytest.raises(IndexError, match=r"0\.\.3"):
        strip[4] = (1, 1, 1)
    with pytest.raises(ValueError, match=r"1\.\.512"):
        NeoPixel(board, 13, count=0)
    with pytest.raises(ValueError, match="cannot drive a NeoPixel"):
        NeoPixel(board, 2, count=4)


# ---- the micro:bit v1: no heap for add-on drivers ----------------------------------------------

@pytest.fixture
def microbit_v1():
    with Board("sim:microbit-v1?baud=0") as board:
        yield board


def test_a_microbit_v1_refuses_what_needs_a_driver_and_says_why(microbit_v1):
    for make in (lambda: NeoPixel(microbit_v1, 0, 3), lambda: MotionSensor(microbit_v1, 0),
                 lambda: DistanceSensor(microbit_v1, trigger=0, echo=1), lambda: LED(microbit_v1, 0).blink()):
        with pytest.raises(DeviceError, match="micro:bit v1 has no room for the '[a-z]+' driver.*micro:bit v2"):
            make()


def test_a_microbit_v1_still_drives_servos_motors_relays_leds_and_reads_analog(microbit_v1):
    world = microbit_v1.sim.world
    wheel = world.parts.motor(1, 2)
    Motor(microbit_v1, 1, 2).backward(0.5)
    assert wheel.speed == pytest.approx(-0.5, abs=0.01)
    Servo(microbit_v1, 0).angle = 0
    assert world.value("pin 0 pwm") == (26, 50)
    Relay(microbit_v1, 8).on()
    assert world.value("pin 8") == 1
    LED(microbit_v1, 16).brightness = 1
    assert world.value("pin 16 pwm") == (1023, 1000)
    world.set_analog(3, 1023)
    assert AnalogSensor(microbit_v1, 3).value == 1


# ---- the parts themselves ----------------------------------------------------------------

def test_a_dht_part_does_not_answer_within_its_interval(board):
    part = board.sim.world.parts.dht11(15)
    assert part.measure() is not None
    assert part.measure() is None
    assert part.reads == 1


def test_an_hcsr04_answers_one_echo_per_trigger_pulse(make_board):
    sim = make_board("mpython", baud=0)
    world = sim.world
    sensor = world.parts.distance_sensor(13, 14)
    world.distance = 10
    assert sensor.echo_us(1) == -2, "no trigger yet"
    world.record("pin 13", 1)
    world.record("pin 13", 0)
    assert 500 < sensor.echo_us(1) < 700
    assert sensor.echo_us(1) == -2, "one echo per trigger pulse"


def test_parts_are_wired_to_pins_the_board_has(board):
    with pytest.raises(ValueError, match="has no pin 12"):
        board.sim.world.parts.servo(12)


def test_the_deadman_leaves_a_strip_dark():
    with Board("sim?baud=0", deadman=0.2) as board:
        world = board.sim.world
        NeoPixel(board, 13, count=3).fill("#ff8000")
        board._client._keepalive_stop.set()  # the host goes silent, as a crashed script does
        assert world.wait_for(lambda: world.value("pin 13 neopixel") == ((0, 0, 0),) * 3, timeout=2)
