"""When the firmware stops, the board prints a traceback and sits at a REPL, answering no frames."""

from __future__ import annotations

import logging
import shutil
import sys

import pytest
from kitbridge import resources
from kitbridge.sim import SimBoard
from sim_helpers import expect_line, frame, read_until_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="these tests open the board's pty")


def test_ctrl_c_stops_the_firmware_into_the_repl_and_ctrl_d_restarts_it(make_board, open_port):
    sim = make_board("microbit-v1")
    ser = open_port(sim)
    ser.write(frame(1, "pin 0 write 1"))
    expect_line(ser, r"@1 ok \*[0-9a-f]{4}")
    ser.write(b"\x03")
    expect_line(ser, r"Traceback \(most recent call last\):")
    expect_line(ser, r'  File "main\.py", line \d+, in <module>')
    read_until_text(ser, b"KeyboardInterrupt")
    read_until_text(ser, b">>> ")
    assert sim.wait_state("repl") and isinstance(sim.firmware_error, KeyboardInterrupt)
    assert sim.world.value("pin 0") == 0  # main.py's finally: hal.safe() ran
    ser.write(frame(2, "ping"))
    got = read_until_text(ser, b">>> ")
    assert b"@2" not in got and b"NotImplementedError" in got  # echoed, not answered
    ser.write(b"\x04")
    expect_line(ser, r"MPY: soft reboot")
    expect_line(ser, r"@!1 \d+ boot \*[0-9a-f]{4}")
    ser.write(frame(3, "ping"))
    expect_line(ser, r"@3 ok \d+ \*[0-9a-f]{4}")


def test_an_exception_escaping_the_firmware_is_logged_and_printed(open_port, tmp_path, caplog):
    firmware = tmp_path / "firmware"
    shutil.copytree(resources.firmware_dir(), firmware)
    (firmware / "main.py").write_text("import kb_board\nimport kb_missing_driver\n")
    with caplog.at_level(logging.WARNING, logger="kitbridge.sim"):
        sim = SimBoard("mpython", firmware_dir=firmware).start()
        try:
            assert sim.wait_state("repl", timeout=5)
            ser = open_port(sim)
            ser.write(b"\r")
            expect_line(ser, r">>> ")
            assert isinstance(sim.firmware_error, ImportError)
        finally:
            sim.stop()
    assert "no module named 'kb_missing_driver'" in caplog.text
    assert 'File "main.py", line 2' in caplog.text


def test_print_from_the_firmware_reaches_the_line_as_console_output(open_port, tmp_path):
    firmware = tmp_path / "firmware"
    shutil.copytree(resources.firmware_dir(), firmware)
    main = (firmware / "main.py").read_text()
    # waits for one byte first, so the host has the port open when it prints
    (firmware / "main.py").write_text("import sys\nsys.stdin.buffer.read(1)\nprint('kit', 'starting')\n" + main)
    sim = SimBoard("esp32-devkitc", firmware_dir=firmware).start()
    try:
        ser = open_port(sim)
        ser.write(b"!")
        expect_line(ser, r"kit starting")
        ser.write(b"hello\n")
        expect_line(ser, r"ok proto=1 .* board=esp32-devkitc .*")
    finally:
        sim.stop()


@pytest.mark.parametrize("kind, baud", [("microbit-v1", 115200), ("microbit-v1", 0), ("mpython", 0)])
def test_an_overlong_typed_line_is_refused_whole_however_it_arrives(make_board, open_port, kind, baud):
    sim = make_board(kind, baud=baud)
    ser = open_port(sim)
    # longer than the board's line limit, but within its receive buffer; its tail is a command
    ser.write(b"#" * (sim.spec.max_line + 2) + b" led 1\n")
    expect_line(ser, r"err E_LONG .*")
    ser.write(b"led\n")
    expect_line(ser, r"ok 0")  # the tail did not run
    assert not sim.world.led
