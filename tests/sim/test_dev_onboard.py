"""On-board devices end to end on simulated boards: light, sound, temperature, accelerometer
and gestures, compass, buzzer, RGB LEDs, touch pads, the micro:bit's LED matrix."""

from __future__ import annotations

import threading

import pytest
from kitbridge import Board, DeviceError, KitTimeout
from kitbridge.devices.matrix import LEDMatrix

HEART = "09090:99999:99999:09990:00900"


@pytest.fixture(scope="module")
def mpython():
    with Board("sim:mpython?baud=0") as board:
        yield board


@pytest.fixture(scope="module")
def v2():
    with Board("sim:microbit-v2?baud=0") as board:
        yield board


@pytest.fixture(scope="module")
def v1():
    with Board("sim:microbit-v1?baud=0") as board:
        yield board


# ---- light, sound, temperature -------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mpython", "v2"])
def test_light_level_follows_the_world(kind, request):
    board = request.getfixturevalue(kind)
    board.sim.world.light = 0.8
    assert board.light.level == pytest.approx(0.8, abs=0.01)
    assert board.light.raw == round(0.8 * board.light.full_scale)
    board.sim.world.light = 0.1
    assert board.light.level == pytest.approx(0.1, abs=0.01)


def test_waiting_for_dark_returns_when_the_light_goes(mpython):
    world = mpython.sim.world
    world.light = 0.9
    timer = threading.Timer(0.2, setattr, (world, "light", 0.05))
    timer.start()
    try:
        assert mpython.light.wait_for_dark(threshold=0.2, timeout=3) < 0.2
    finally:
        timer.cancel()


def test_waiting_for_light_that_never_comes_times_out(mpython):
    mpython.sim.world.light = 0.1
    with pytest.raises(KitTimeout, match="light sensor did not read 0.9 or brighter within 0.2 s"):
        mpython.light.wait_for_light(threshold=0.9, timeout=0.2)
    with pytest.raises(ValueError, match="threshold must be a number 0..1"):
        mpython.light.wait_for_light(threshold=2)


@pytest.mark.parametrize("kind", ["mpython", "v2"])
def test_sound_level_follows_the_world(kind, request):
    board = request.getfixturevalue(kind)
    board.sim.world.sound = 0.6
    assert board.sound.level == pytest.approx(0.6, abs=0.01)
    board.sim.world.sound = 0.0
    assert board.sound.level == 0


def test_a_board_without_the_device_names_the_boards_with_one(mpython, v1):
    with pytest.raises(ValueError, match="no 'temperature' device .*microbit-v1, microbit-v2"):
        _ = mpython.temperature
    with pytest.raises(ValueError, match="no 'sound' device .*microbit-v2, mpython"):
        _ = v1.sound


@pytest.mark.parametrize("kind", ["v2"])
def test_temperature_in_celsius(kind, request):
    board = request.getfixturevalue(kind)
    board.sim.world.temperature = 31.2
    assert board.temperature.celsius == 31
    assert board.temperature.fahrenheit == pytest.approx(87.8)


# ---- accelerometer and gestures ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["v2"])
def test_acceleration_in_g_and_the_gesture(kind, request):
    board = request.getfixturevalue(kind)
    world = board.sim.world
    world.acceleration = (0.0, 0.0, -1.0)
    assert board.accelerometer.acceleration == (0.0, 0.0, -1.0)
    assert board.accelerometer.gesture == "face up"
    world.acceleration = (-0.7, 0.1, -0.5)
    assert board.accelerometer.raw == (-700, 100, -500)
    assert board.accelerometer.gesture == "left"
    world.acceleration = (0.0, 0.0, -1.0)


def test_mpython_accelerometer_reads_its_msa300(mpython):
    world = mpython.sim.world
    world.acceleration = (0.6, -0.2, -0.7)
    assert mpython.accelerometer.raw == (600, -200, -700)
    assert mpython.accelerometer.gesture == "right"
    world.acceleration = (0.0, 0.0, 1.0)
    assert mpython.accelerometer.gesture == "face down"
    world.acceleration = (0.0, 0.0, -1.0)


def test_mpython_shake_event(mpython):
    shaken = threading.Event()
    mpython.accelerometer.when_shaken = shaken.set
    try:
        mpython.sim.world.shake(0.2)
        assert shaken.wait(2)
    finally:
        mpython.accelerometer.when_shaken = None


def test_a_missing_motion_chip_is_a_device_error_naming_the_bus():
    with Board("sim:mpython?baud=0") as board:
        bus = board.sim.world.buses.i2c()
        bus.detach(0x26)
        bus.detach(0x30)
        with pytest.raises(DeviceError, match=r"no MSA300 accelerometer answers at I2C 0x26 \(pins 19 20\)"):
            _ = board.accelerometer.acceleration
        with pytest.raises(DeviceError, match=r"no MMC5983MA compass answers at I2C 0x30 \(pins 19 20\)"):
            _ = board.compass.heading


def test_a_shake_calls_when_shaken_and_ends_a_wait(v2):
    world = v2.sim.world
    world.acceleration = (0.0, 0.0, -1.0)
    shaken = threading.Event()
    gestures = []
    v2.accelerometer.when_shaken = shaken.set
    v2.accelerometer.when_gesture = gestures.append
    try:
        world.shake(0.15)
        assert shaken.wait(2)
        assert world.wait_for(lambda: "face up" in gestures, 2), gestures
        assert gestures[gestures.index("shake") + 1] == "face up"
        timer = threading.Timer(0.2, setattr, (world, "acceleration", (0.0, 0.0, 1.0)))
        timer.start()
        v2.accelerometer.wait_for_gesture("face down", timeout=3)
    finally:
        v2.accelerometer.when_shaken = v2.accelerometer.when_gesture = None
        world.acceleration = (0.0, 0.0, -1.0)


def test_gesture_waits_time_out_and_check_their_names(v2):
    with pytest.raises(KitTimeout, match="no 'freefall' gesture within 0.2 s"):
        v2.accelerometer.wait_for_gesture("freefall", timeout=0.2)
    with pytest.raises(ValueError, match="gesture must be one of: shake, face up"):
        v2.accelerometer.wait_for_gesture("wobble")


# ---- compass ----------------------------------------------------------------------------------

def test_compass_asks_for_calibration_then_gives_the_heading(v2):
    v2.sim.world.heading = 271.6
    with pytest.raises(DeviceError, match="compass not calibrated: run compass cal first"):
        _ = v2.compass.heading
    v2.compass.calibrate()
    assert v2.compass.heading == 272


def test_a_micro_bit_v1_has_its_images_drivers_and_says_it_has_no_room_for_others(v1):
    # the kit's v1 image has accel, matrix, stream and model built in (boards/microbit-v1.toml
    # firmware.frozen); nothing else fits its heap
    assert len(v1.accelerometer.acceleration) == 3
    with pytest.raises(DeviceError, match="has no room for the 'compass' driver.*micro:bit v2 or an ESP32"):
        _ = v1.compass.heading


@pytest.mark.parametrize("degrees, heading", [(0, 0), (45, 45), (93.2, 93), (271.6, 272), (359.4, 359)])
def test_mpython_compass_reads_its_mmc5983ma(mpython, degrees, heading):
    mpython.sim.world.heading = degrees
    assert mpython.compass.heading == heading


# ---- buzzer -------------------------------------------------------------------------------------

def test_a_timed_tone_on_the_mpython_buzzer_stops_by_itself(mpython):
    world = mpython.sim.world
    mpython.buzzer.play(440, duration=0.1)
    assert world.value("pin 6 pwm") == (512, 440)
    assert world.wait_for(lambda: world.value("pin 6 pwm") is None, 2)


def test_a_melody_plays_its_notes_in_order(mpython):
    world = mpython.sim.world
    start = len(world.history("pin 6 pwm"))
    mpython.buzzer.play_melody("C4:2 E G R:1 A4:2", tempo=400)
    tones = [e.value[1] for e in world.history("pin 6 pwm")[start:] if e.value]
    assert tones == [262, 330, 392, 440]
    assert world.value("pin 6 pwm") is None


def test_a_held_tone_stops_on_stop_and_on_the_deadman(mpython):
    world = mpython.sim.world
    mpython.buzzer.play(1000)
    assert world.value("pin 6 pwm") == (512, 1000)
    mpython.buzzer.stop()
    assert world.value("pin 6 pwm") is None
    with Board("sim:mpython?baud=0", deadman=0.2) as board:
        board.buzzer.play(800)
        board._client._keepalive_stop.set()  # the host falls silent
        assert board.sim.world.wait_for(lambda: board.sim.world.value("pin 6 pwm") is None, 3)


def test_the_microbit_v2_speaker_plays_with_music(v2):
    world = v2.sim.world
    v2.speaker.play(523, duration=0.1)
    assert world.history("music")[-1].value == 523
    assert world.wait_for(lambda: world.value("music") is None, 2)


def test_buzzer_arguments_are_checked_first(mpython):
    with pytest.raises(ValueError, match=r"frequency must be a whole number of Hz, 1..20000"):
        mpython.buzzer.play(0)
    with pytest.raises(ValueError, match="duration must be more than 0 and at most 60"):
        mpython.buzzer.play(440, duration=-1)
    with pytest.raises(ValueError, match="'H2' is not a note"):
        mpython.buzzer.play_melody(["C4", "H2"])


# ---- RGB LEDs ---------------------------------------------------------------------------------

def test_rgb_leds_take_colours(mpython):
    world = mpython.sim.world
    mpython.rgb[2] = (0, 255, 10)
    assert mpython.rgb[2] == (0, 255, 10)
    assert world.value("pin 7 neopixel")[2] == (0, 255, 10)
    mpython.rgb.fill((1, 2, 3))
    assert world.value("pin 7 neopixel") == ((1, 2, 3),) * 3
    mpython.rgb.off()
    assert not world.led
    with pytest.raises(IndexError, match="RGB LED number must be 0..2"):
        mpython.rgb[3] = (1, 1, 1)
    with pytest.raises(ValueError, match="each a whole number 0..255"):
        mpython.rgb[0] = (256, 0, 0)


# ---- touch ------------------------------------------------------------------------------------

def test_mpython_touch_pads_read_and_call_back(mpython):
    world = mpython.sim.world
    pad = mpython.touch["N"]
    assert not pad.is_touched and pad.raw > 300
    touched = threading.Event()
    pad.when_touched = touched.set
    world.touch("N")
    assert touched.wait(2)
    assert mpython.touch.touched == ["N"]
    timer = threading.Timer(0.2, world.touch, ("N", False))
    timer.start()
    pad.wait_for_release(timeout=3)
    pad.when_touched = None
    with pytest.raises(KeyError, match="no touch pad 'Q'; pads: P, Y, T, H, O, N"):
        mpython.touch["Q"]


def test_microbit_v2_logo_touch(v2):
    world = v2.sim.world
    timer = threading.Timer(0.2, world.touch, ("logo",))
    timer.start()
    v2.logo.wait_for_touch(timeout=3)
    assert v2.logo.is_touched
    world.touch("logo", False)
    with pytest.raises(KitTimeout, match="touch pad logo was not touched within 0.2 s"):
        v2.logo.wait_for_touch(timeout=0.2)


# ---- the micro:bit LED matrix ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["v2"])
def test_matrix_images_pixels_brightness_and_text(kind, request):
    board = request.getfixturevalue(kind)
    world = board.sim.world
    display = LEDMatrix(board, "display")
    display.show(HEART)
    assert world.value("display") == HEART
    display.brightness = 0.5
    display.show([[9] * 5] * 5)
    assert world.value("display") == ":".join(["55555"] * 5)
    display.clear()
    display.set_pixel(4, 0, 8)
    assert world.value("display") == "00004:" + ":".join(["00000"] * 4)
    display.scroll("Hi there")
    assert world.value("display text") == "Hi there"
    display.clear()


def test_matrix_arguments_are_checked_first(v2):
    display = LEDMatrix(v2, "display")
    with pytest.raises(ValueError, match="an image is 5 rows of 5 levels 0..9"):
        display.show("999:999")
    with pytest.raises(ValueError, match="scroll text must be 1..25 characters on this board"):
        display.scroll("x" * 26)
    with pytest.raises(ValueError, match="level must be a whole number 0..9"):
        display.set_pixel(0, 0, 10)
    with pytest.raises(ValueError, match="brightness must be a number 0..1"):
        display.brightness = 2
