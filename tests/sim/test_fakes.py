"""The fake MicroPython modules behave like the boards where the firmware can tell."""

from __future__ import annotations

import threading
import time

import pytest
from kitbridge.boards import load_board
from kitbridge.sim import World, fakes
from kitbridge.sim.fakes.clock import ticks_add, ticks_diff
from kitbridge.sim.runtime import Clock, Runtime, Stopped
from kitbridge.sim.serial_line import BoardLine


@pytest.fixture
def board_modules():
    """board_modules(kind) -> (modules, runtime, host end of the line), on an unpaced in-process line."""
    lines = []

    def make(kind: str):
        spec = load_board(kind)
        line = BoardLine(64 if spec.family == "microbit" else 256, 0, use_pty=False)
        lines.append(line)
        rt = Runtime(spec, World(spec), line, Clock(), b"\x01\x02\x03\x04\x05\x06")
        return fakes.build(rt), rt, line.serial_object

    yield make
    for line in lines:
        line.close()


def arrive(line: BoardLine, n: int, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while line.any() < n and time.monotonic() < deadline:
        line.wait(0.05, for_input=True, stop=threading.Event())
    assert line.any() >= n


def test_microbit_uart_read_is_none_when_empty_then_returns_the_bytes(board_modules):
    m, rt, host = board_modules("microbit-v1")
    uart = m["microbit"].uart
    assert uart.read() is None and uart.any() == 0
    host.write(b"ab\ncd")
    arrive(rt.line, 5)
    assert uart.readline() == b"ab\n"
    assert uart.read() == b"cd"
    assert uart.read() is None


def test_microbit_v1_has_no_sys_stdin_and_no_select(board_modules):
    m, _, _ = board_modules("microbit-v1")
    assert not hasattr(m["sys"], "stdin")
    assert "select" not in m


def test_esp32_poll_waits_for_its_timeout_and_wakes_early_on_input(board_modules):
    m, _, host = board_modules("mpython")
    poller = m["select"].poll()
    poller.register(m["sys"].stdin, m["select"].POLLIN)
    start = time.monotonic()
    assert poller.poll(50) == []
    assert time.monotonic() - start >= 0.045
    threading.Timer(0.05, host.write, args=(b"x",)).start()
    start = time.monotonic()
    ready = poller.poll(5000)
    assert ready and ready[0][0] is m["sys"].stdin
    assert time.monotonic() - start < 2.5  # woke on the byte, not at the 5 s timeout
    assert m["sys"].stdin.buffer.read(1) == b"x"


def test_stdout_buffer_takes_str_like_micropython(board_modules):
    m, _, host = board_modules("esp32-devkitc")
    host.timeout = 1
    assert m["sys"].stdout.buffer.write("ok\n") == 3
    assert host.readline() == b"ok\n"


def test_ticks_wrap_at_2_to_the_30():
    top = (1 << 30) - 1
    assert ticks_add(top, 2) == 1
    assert ticks_diff(1, top) == 2
    assert ticks_diff(top, 1) == -2


def test_mpython_button_a_reads_0_on_gpio0_when_pressed(board_modules):
    m, rt, _ = board_modules("mpython")
    Pin = m["machine"].Pin
    button = Pin(0, Pin.IN, Pin.PULL_UP)
    assert button.value() == 1
    rt.world.press("a")
    assert button.value() == 0


def test_esp32_input_only_pins_refuse_output_and_have_no_pulls(board_modules):
    m, _, _ = board_modules("mpython")
    Pin = m["machine"].Pin
    with pytest.raises(ValueError, match="input"):
        Pin(35, Pin.OUT)
    with pytest.raises(ValueError, match="input"):
        m["machine"].PWM(Pin(35), freq=1000)
    assert Pin(35, Pin.IN, Pin.PULL_UP).value() == 0  # no pull-up resistor on GPIO 34-39
    assert Pin(33, Pin.IN, Pin.PULL_UP).value() == 1


def test_esp32_adc_saturates_unless_attenuated(board_modules):
    m, rt, _ = board_modules("mpython")
    machine = m["machine"]
    rt.world.set_analog(2, 512)  # pin 2 is GPIO 35, about 1.65 V
    adc = machine.ADC(machine.Pin(35))
    assert adc.read_u16() == 65535
    adc.atten(machine.ADC.ATTN_11DB)
    assert adc.read_u16() >> 6 == 512
    with pytest.raises(ValueError):
        machine.ADC(machine.Pin(16))


def test_pwm_and_neopixel_outputs_are_logged(board_modules):
    m, rt, _ = board_modules("mpython")
    machine = m["machine"]
    pwm = machine.PWM(machine.Pin(16), freq=440)
    pwm.duty_u16(32768)
    strip = m["neopixel"].NeoPixel(machine.Pin(17, machine.Pin.OUT), 3)
    strip[0] = (32, 32, 32)
    strip.write()
    pwm.deinit()
    world = rt.world
    assert [e.value for e in world.history("pin 6 pwm")] == [(512, 440), None]
    assert world.value("pin 7 neopixel") == ((32, 32, 32), (0, 0, 0), (0, 0, 0))
    assert world.led


def test_ctrl_c_interrupts_unless_kbd_intr_turns_it_off(board_modules):
    m, rt, host = board_modules("microbit-v2")
    host.write(b"a\x03b")
    arrive(rt.line, 2)
    with pytest.raises(KeyboardInterrupt):
        m["microbit"].sleep(1)
    assert m["microbit"].uart.read() == b"ab"
    m["micropython"].kbd_intr(-1)
    host.write(b"\x03")
    arrive(rt.line, 1)
    assert m["microbit"].uart.read() == b"\x03"


def test_reads_and_sleeps_raise_stopped_when_the_board_is_switched_off(board_modules):
    m, rt, _ = board_modules("microbit-v1")
    rt.stopping.set()
    with pytest.raises(Stopped):
        m["microbit"].uart.read()
    with pytest.raises(Stopped):
        m["utime"].sleep_ms(1000)
    m["microbit"].pin0.write_digital(0)  # outputs still work: the firmware's safe() must run
    assert rt.world.value("pin 0") == 0


def test_microbit_pins_match_the_board(board_modules):
    m, rt, _ = board_modules("microbit-v1")
    mb = m["microbit"]
    assert not hasattr(mb, "pin17")
    assert not hasattr(mb.pin5, "read_analog")  # button A's pin has no ADC
    assert mb.pin0.read_digital() == 0  # pull-down by default
    rt.world.press("a")
    assert mb.pin5.read_digital() == 0 and mb.button_a.is_pressed()
    assert mb.button_a.was_pressed() and not mb.button_a.was_pressed()
    with pytest.raises(ValueError):
        mb.display.set_pixel(5, 0, 9)


@pytest.mark.parametrize("kind", ["microbit-v1", "microbit-v2", "mpython", "esp32-devkitc"])
def test_free_heap_follows_the_board_definition(board_modules, kind):
    m, rt, _ = board_modules(kind)
    rt.heap_used = 4000
    assert m["gc"].mem_free() == load_board(kind).heap - 4000
