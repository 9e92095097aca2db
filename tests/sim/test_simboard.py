"""The simulated board end to end: real firmware, fake MicroPython, a pty opened with pyserial."""

from __future__ import annotations

import re
import sys
import threading
import time

import pytest
import serial
from kitbridge.boards import load_board
from kitbridge.sim import SimBoard
from kitbridge.sim.serial_line import BoardLine
from sim_helpers import checksum, expect_line, frame, read_until_text, wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="these tests open the board's pty")

HELLO = r"ok proto=1 fw=\S+ board={kind} uid=(?P<uid>[0-9a-f]+) rx={rx} line=\d+ heap=(?P<heap>\d+) dev=\S+"


def hello_pattern(kind: str) -> str:
    return HELLO.format(kind=kind, rx=load_board(kind).rx_window)


@pytest.mark.parametrize("kind", ["mpython", "microbit-v1", "microbit-v2", "esp32-devkitc"])
def test_typed_hello_is_answered_readably(make_board, open_port, kind):
    sim = make_board(kind)
    ser = open_port(sim)
    ser.write(b"hello\r")
    match = expect_line(ser, hello_pattern(kind))
    heap = int(match["heap"])
    assert 0 < heap < sim.spec.heap  # the firmware's own source takes part of the board's heap


def test_framed_request_gets_a_framed_reply_with_a_valid_checksum(make_board, open_port):
    ser = open_port(make_board("mpython"))
    ser.write(frame(7, "ping"))
    match = expect_line(ser, r"(?P<body>@7 ok \d+) \*(?P<ck>[0-9a-f]{4})")
    assert match["ck"] == checksum(match["body"])
    ser.write(b"8 ping *0000\n")
    expect_line(ser, r"@8 err E_CHECK .*")


def test_pin_write_is_logged_in_the_world(make_board, open_port):
    sim = make_board("mpython")
    ser = open_port(sim)
    ser.write(frame(1, "pin 1 write 1"))
    expect_line(ser, r"@1 ok \*[0-9a-f]{4}")
    ser.write(frame(2, "pin 1 write 0"))
    expect_line(ser, r"@2 ok \*[0-9a-f]{4}")
    history = sim.world.history("pin 1")
    assert [e.value for e in history][-2:] == [1, 0]
    assert history[-2].t <= history[-1].t


def test_microbit_pin_pwm_and_led_reach_the_world(make_board, open_port):
    sim = make_board("microbit-v2")
    ser = open_port(sim)
    ser.write(frame(1, "pin 0 pwm 512 1000"))
    expect_line(ser, r"@1 ok \*[0-9a-f]{4}")
    ser.write(frame(2, "led 1"))
    expect_line(ser, r"@2 ok \*[0-9a-f]{4}")
    assert sim.world.value("pin 0 pwm") == (512, 1000)
    assert sim.world.value("display") == "00000:00000:00900:00000:00000"
    assert sim.world.led


@pytest.mark.parametrize("kind", ["mpython", "microbit-v1"])
def test_pressing_button_a_sends_events(make_board, open_port, kind):
    sim = make_board(kind)
    ser = open_port(sim)
    ser.write(frame(1, "button a"))
    expect_line(ser, r"@1 ok 0 \*[0-9a-f]{4}")
    sim.world.press("a")
    down = expect_line(ser, r"(?P<body>@!\d+ \d+ button a down) \*(?P<ck>[0-9a-f]{4})")
    assert down["ck"] == checksum(down["body"])
    ser.write(frame(2, "button a"))
    expect_line(ser, r"@2 ok 1 \*[0-9a-f]{4}")
    sim.world.release("a")
    expect_line(ser, r"@!\d+ \d+ button a up \*[0-9a-f]{4}")


def test_mpython_button_a_reads_low_on_gpio0_when_pressed(make_board, open_port):
    sim = make_board("mpython")
    ser = open_port(sim)
    ser.write(frame(1, "pin 5 read"))
    expect_line(ser, r"@1 ok 1 \*[0-9a-f]{4}")
    sim.world.press("a")
    ser.write(frame(2, "pin 5 read"))
    expect_line(ser, r"@2 ok 0 \*[0-9a-f]{4}")


def test_analog_reads_follow_the_world(make_board, open_port):
    sim = make_board("mpython")
    ser = open_port(sim)
    sim.world.light = 1.0
    ser.write(frame(1, "pin 4 analog"))  # the light sensor
    expect_line(ser, r"@1 ok 1023 \*[0-9a-f]{4}")
    sim.world.set_analog(2, 300)
    ser.write(frame(2, "pin 2 analog"))
    expect_line(ser, r"@2 ok 300 \*[0-9a-f]{4}")


def test_paced_line_takes_as_long_as_115200_baud(make_board, open_port):
    sim = make_board("mpython")
    ser = open_port(sim)
    # board -> host: 1,000 bytes are 10,000 bits, about 87 ms at 115200 baud
    payload = b"x" * 999 + b"\n"
    start = time.monotonic()
    sim.line.write(payload)
    read_until_text(ser, payload)
    assert time.monotonic() - start >= 0.070
    # host -> board through the firmware: 167 "led 1" are 1,002 bytes in, 501 out
    start = time.monotonic()
    ser.write(b"led 1\n" * 167)
    replies = [expect_line(ser, r"ok") for _ in range(167)]
    assert len(replies) == 167 and sim.dropped == 0
    assert time.monotonic() - start >= 0.070


def test_a_host_that_ignores_the_receive_window_overruns_a_microbit(make_board, open_port):
    sim = make_board("microbit-v1")
    ser = open_port(sim)
    # each "ping" (5 bytes) is answered with about 8: the board falls behind and its 64 bytes overflow
    ser.write(b"ping\n" * 100)
    assert sim.world.wait_for(lambda: sim.dropped > 0, timeout=2)


def test_unpaced_line_is_fast(make_board, open_port):
    sim = make_board("mpython", baud=0)
    ser = open_port(sim)
    payload = b"y" * 23039 + b"\n"  # two seconds' worth at 115200 baud
    start = time.monotonic()
    threading.Thread(target=sim.line.write, args=(payload,), daemon=True).start()
    read_until_text(ser, payload, timeout=5)
    assert time.monotonic() - start < 1.0
    ser.write(b"hello\n")
    expect_line(ser, hello_pattern("mpython"))


def test_two_boards_in_one_process_share_nothing(make_board, open_port):
    a, b, c = make_board("mpython"), make_board("microbit-v1"), make_board("mpython")
    sa, sb, sc = open_port(a), open_port(b), open_port(c)
    uids = set()
    for sim, ser in ((a, sa), (b, sb), (c, sc)):
        ser.write(b"hello\n")
        uids.add(expect_line(ser, hello_pattern(sim.kind))["uid"])
    assert len(uids) == 3
    agents = [sim.firmware.modules["kb_agent"] for sim in (a, b, c)]
    assert len({id(m) for m in agents}) == 3 and agents[0].Agent is not agents[2].Agent
    assert "kb_agent" not in sys.modules and "kb_board" not in sys.modules
    sa.write(frame(1, "pin 1 write 1"))
    expect_line(sa, r"@1 ok \*[0-9a-f]{4}")
    assert a.world.value("pin 1") == 1
    assert b.world.value("pin 1") is None and c.world.value("pin 1") is None
    a.world.press("a")
    expect_line(sa, r"@!\d+ \d+ button a down \*[0-9a-f]{4}")
    sc.write(frame(2, "button a"))
    expect_line(sc, r"@2 ok 0 \*[0-9a-f]{4}")


@pytest.mark.parametrize("kind", ["mpython", "microbit-v1"])
def test_stop_ends_the_thread_after_the_firmware_made_outputs_safe(make_board, open_port, kind):
    sim = make_board(kind)
    ser = open_port(sim)
    ser.write(frame(1, "pin 1 write 1"))
    expect_line(ser, r"@1 ok \*[0-9a-f]{4}")
    ser.write(frame(2, "pin 8 pwm 300"))
    expect_line(ser, r"@2 ok \*[0-9a-f]{4}")
    ser.write(frame(3, "led 1"))
    expect_line(ser, r"@3 ok \*[0-9a-f]{4}")
    assert sim.world.led
    sim.stop()
    assert not sim.alive and sim.state == "stopped"
    world = sim.world
    assert world.value("pin 1") == 0 and world.value("pin 8 pwm") is None and not world.led
    stopped_at = world.history("board")[-1].t
    assert world.history("pin 1")[-1].t <= stopped_at
    sim.stop()  # idempotent
    with pytest.raises(serial.SerialException):
        ser.read(1)


def test_rx_buffer_drops_what_does_not_fit_while_nobody_reads():
    line = BoardLine(64, 115200)
    try:
        with serial.Serial(line.port, 115200, timeout=1) as ser:
            ser.write(bytes(range(32, 127)) * 2 + b"abcdefghij")  # 200 bytes
            assert wait_until(lambda: line.dropped + line.any() >= 200, timeout=2)
        assert line.any() == 64 and line.dropped == 136
        assert line.read() == bytes(range(32, 96))
    finally:
        line.close()


def test_flooding_a_microbit_drops_bytes_and_it_recovers(make_board, open_port):
    sim = make_board("microbit-v1", baud=0)
    ser = open_port(sim, timeout=0.3)
    ser.write(b"z" * 3000)
    assert sim.world.wait_for(lambda: sim.dropped > 0, timeout=2)
    expect_line(ser, r"err E_LONG .*")
    # as a host would: end the half line and ask again until the flood has drained
    pattern = re.compile(hello_pattern("microbit-v1"))
    for _ in range(10):
        ser.write(b"\nhello\n")
        if any(pattern.fullmatch(line.decode("ascii", "replace").strip()) for line in ser.readlines()):
            break
    else:
        pytest.fail("the micro:bit never answered hello after the flood")


def test_in_process_line_works_without_a_pty(make_board):
    sim = make_board("microbit-v2", pty=False)
    assert sim.port is None
    ser = sim.serial_object
    ser.timeout = 1
    ser.write(b"hello\r")
    expect_line(ser, hello_pattern("microbit-v2"))
    sim.world.press("b")
    expect_line(ser, r"@!\d+ \d+ button b down \*[0-9a-f]{4}")
    sim.stop()
    with pytest.raises(serial.SerialException):
        ser.read(1)


def test_ticks_wrap_does_not_stop_the_button_scan(make_board, open_port):
    sim = make_board("mpython", ticks_start=(1 << 30) - 300)
    ser = open_port(sim)
    deadline = time.monotonic() + 3
    ticks = 1 << 24
    n = 0
    while ticks > 100000 and time.monotonic() < deadline:
        n += 1
        ser.write(frame(n, "ping"))
        ticks = int(expect_line(ser, rf"@{n} ok (\d+) \*[0-9a-f]{{4}}")[1])
    assert ticks <= 100000, "the board's ticks never wrapped"
    sim.world.press("a")
    expect_line(ser, r"@!\d+ \d+ button a down \*[0-9a-f]{4}")


def test_reboot_resets_the_chip_and_boots_again(make_board, open_port):
    sim = make_board("mpython")
    ser = open_port(sim)
    ser.write(frame(1, "pin 1 write 1"))
    expect_line(ser, r"@1 ok \*[0-9a-f]{4}")
    ser.write(frame(2, "reboot"))
    expect_line(ser, r"@2 ok \*[0-9a-f]{4}")
    expect_line(ser, r"rst:0xc \(SW_CPU_RESET\).*")  # the ESP32 ROM's chatter is console output
    expect_line(ser, r"@!1 \d+ boot \*[0-9a-f]{4}")
    assert sim.boots == 2 and sim.world.value("pin 1") == 0
    assert "reset" in [e.value for e in sim.world.history("board")]


def test_the_host_can_close_the_port_and_open_it_again(make_board, open_port):
    sim = make_board("microbit-v2")
    first = open_port(sim)
    first.write(b"hello\n")
    expect_line(first, hello_pattern("microbit-v2"))
    first.close()
    again = open_port(sim)
    again.write(frame(5, "ping"))
    expect_line(again, r"@5 ok \d+ \*[0-9a-f]{4}")


def test_stop_cuts_off_a_long_write_at_once(make_board):
    sim = make_board("mpython")
    writer = threading.Thread(target=sim.line.write, args=(b"w" * 115200,), daemon=True)  # ten seconds' worth
    writer.start()
    start = time.monotonic()
    sim.stop()
    writer.join(timeout=2)
    assert not writer.is_alive() and not sim.alive
    assert time.monotonic() - start < 2.0


def test_a_board_cannot_be_started_again_after_stop():
    sim = SimBoard("microbit-v1")
    sim.start()
    sim.stop()
    with pytest.raises(Exception, match="make a new SimBoard"):
        sim.start()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown board kind"):
        SimBoard("arduino-uno")
    with pytest.raises(ValueError, match="baud"):
        SimBoard("mpython", baud=-1)
