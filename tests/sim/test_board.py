"""Board end to end over the simulated board's pty: the host's real serial code path."""

from __future__ import annotations

import threading

import pytest
import serial

from kitbridge import Board, ConnectionLost, DeviceError, FirmwareMismatch, KitTimeout, wire
from kitbridge.boards import board_kinds


@pytest.fixture
def board():
    with Board("sim?baud=0") as board:
        yield board


def test_handshake_reports_the_board(board):
    assert board.kind == "mpython"
    assert board.info["proto"] == str(wire.PROTOCOL)
    assert board.firmware == "0.1.0"
    assert int(board.info["rx"]) == 256
    assert len(board.uid) >= 8
    assert "led" in board.info["dev"].split(",")


@pytest.mark.parametrize("kind", board_kinds())
def test_every_board_kind_connects_and_lights_its_led(kind):
    with Board(f"sim:{kind}?baud=0") as board:
        assert board.kind == kind
        board.led.on()
        assert board.led.is_lit
        assert board.sim.world.led
        board.led.off()
        assert not board.sim.world.led


def test_pins_use_the_microbit_method_names(board):
    world = board.sim.world
    board.pin(0).write_digital(1)
    assert world.value(world.pin_name(33)) == 1
    world.set_analog(1, 700)
    assert abs(board.pin(1).read_analog() - 700) <= 2
    world.set_pin(13, 0)
    board.pin(13).set_pull("up")
    assert board.pin(13).read_digital() == 0
    board.pin(8).write_analog(512, frequency=1000)
    assert world.value(world.pin_name(26) + " pwm") == (512, 1000)


def test_button_events_and_callbacks(board):
    pressed = threading.Event()
    board.button_a.when_pressed = pressed.set
    board.sim.world.press("a")
    board.button_a.wait_for_press(timeout=2)
    assert pressed.wait(2)
    assert board.button_a.is_pressed
    board.sim.world.release("a")
    board.button_a.wait_for_release(timeout=2)
    assert not board.button_a.is_pressed


def test_a_quick_press_between_two_looks_is_seen_once_by_was_pressed(board):
    released = threading.Event()
    board.button_a.when_released = released.set
    assert not board.button_a.was_pressed()
    board.sim.world.click("a", 0.05)  # down and up again while the program looks elsewhere
    assert released.wait(2)
    assert not board.button_a.is_pressed
    assert board.button_a.was_pressed()
    assert not board.button_a.was_pressed()  # once per press, as on a micro:bit


def test_waiting_for_a_press_that_never_comes_times_out(board):
    with pytest.raises(KitTimeout, match="button A was not pressed within 0.2 s"):
        board.button_a.wait_for_press(timeout=0.2)


def test_a_callback_exception_reaches_the_students_code(board):
    def broken():
        raise ZeroDivisionError("oops in my callback")

    board.button_b.when_pressed = broken
    board.sim.world.click("b", 0.05)
    with pytest.raises(ZeroDivisionError, match="oops in my callback"):
        for _ in range(200):
            board.led.on()


@pytest.mark.parametrize("call, message", [
    (lambda b: b.pin(12), "no pin 12; pins: 0 1 2"),
    (lambda b: b.pin(2).write_digital(1), "pin 2 of the .* cannot write digital output; pins that can: 0 1 6"),
    (lambda b: b.pin(5).read_analog(), "cannot read analog input; pins that can: 0 1 2 3 4 10"),
    (lambda b: b.pin(0).write_analog(1024), "0..1023"),
    (lambda b: b.pin(0).write_analog(10, frequency=50000), "1..40000"),
    (lambda b: b.pin(0).write_digital(2), "0 or 1"),
    (lambda b: b.pin(0).set_pull("sideways"), "up, down, none"),
    (lambda b: b.led.__setattr__("value", 3), "0 or 1"),
])
def test_bad_arguments_raise_value_error_before_anything_is_sent(board, call, message):
    sent = []
    original = board._client.submit
    board._client.submit = lambda *a, **k: sent.append(a) or original(*a, **k)
    with pytest.raises(ValueError, match=message):
        call(board)
    assert sent == []


def test_a_device_the_board_lacks_names_the_boards_that_have_it():
    with Board("sim:esp32-devkitc?baud=0") as board:
        with pytest.raises(ValueError, match="button_b.*mpython"):
            board.button_b


@pytest.mark.parametrize("words, code", [
    (("pin", 99, "read"), "E_PIN"),
    (("pin", 0, "fly"), "E_ARG"),
    (("pin", 0, "pwm", 5000), "E_RANGE"),
    (("deadman", "soon"), "E_ARG"),
])
def test_board_errors_arrive_as_device_errors_with_their_code(board, words, code):
    with pytest.raises(DeviceError) as error:
        board.request(*words)
    assert error.value.code == code


def test_a_verb_the_firmware_lacks_names_the_fix(board):
    with pytest.raises(FirmwareMismatch, match="kitbridge deploy"):
        board.request("teleport")


def test_a_typed_line_is_answered_readably():
    from kitbridge.sim import SimBoard

    with SimBoard("microbit-v1", baud=0) as sim:
        port = serial.Serial(sim.port, 115200, timeout=2, rtscts=True, dsrdtr=True)
        port.write(b"hello\r")
        answer = port.read_until(b"\n")
        while answer.startswith(b"@!"):  # the boot event may come first
            answer = port.read_until(b"\n")
        assert answer.startswith(b"ok proto=1 fw=0.1.0 board=microbit-v1")
        port.write(b"pin 99 read\r")
        assert port.read_until(b"\n") == b"err E_PIN no pin 99\n"
        port.write(b"\x01\x02garbage\xff\r")
        assert port.read_until(b"\n") == b"err E_FRAME not a command\n"
        port.write(b"ping\r")
        assert port.read_until(b"\n").startswith(b"ok ")
        port.close()


def test_the_deadman_stops_outputs_when_the_host_goes_silent():
    with Board("sim?baud=0", deadman=0.3) as board:
        world = board.sim.world
        board.pin(8).write_digital(1)
        board._client._keepalive_stop.set()  # the host "hangs"
        assert world.wait_for(lambda: world.value(world.pin_name(26)) == 0, timeout=2)


def test_closing_the_sim_ends_requests_with_connection_lost():
    board = Board("sim?baud=0")
    board.sim.stop()
    with pytest.raises(ConnectionLost):
        for _ in range(100):
            board.request("ping", timeout=0.5)
    board.close()


def test_board_console_lines_arrive_without_disturbing_requests(tmp_path):
    import shutil

    from kitbridge import resources
    from kitbridge.sim import SimBoard

    firmware = tmp_path / "firmware"
    shutil.copytree(resources.firmware_dir(), firmware)
    # a driver that prints like a student's debugging would, then a traceback, then answers
    (firmware / "kb_d_chatter.py").write_text(
        "import sys\n"
        "def run(ag, v, a):\n"
        "    print('debug: reading sensors')\n"
        "    try:\n"
        "        1 / 0\n"
        "    except ZeroDivisionError as e:\n"
        "        sys.print_exception(e)\n"
        "    return 'done'\n")
    with SimBoard("esp32-devkitc", baud=0, firmware_dir=firmware) as sim:
        with Board(sim.port) as board:
            assert board.request("chatter") == "done"
            assert board.request("ping").isdigit()
            assert "debug: reading sensors" in board.console
            assert any("ZeroDivisionError" in line for line in board.console)


@pytest.mark.parametrize("line, answer", [
    (b"5 ping *0000\n", b"@5 err E_CHECK bad checksum, not run"),
    (b"6 pin 0 write 1 " + b"x" * 200 + b" *0000\n", b"err E_LONG line over 128 bytes"),
])
def test_refused_lines_are_answered_with_their_code_over_the_pty(line, answer):
    from kitbridge.sim import SimBoard

    with SimBoard("mpython", baud=0) as sim:
        port = serial.Serial(sim.port, 115200, timeout=2, rtscts=True, dsrdtr=True)
        port.write(line)
        got = port.read_until(b"\n")
        while got.startswith(b"@!"):
            got = port.read_until(b"\n")
        assert got.startswith(answer)
        assert sim.world.value(sim.world.pin_name(33)) != 1
        port.close()


def test_one_board_is_safe_from_several_threads(board):
    errors = []

    def worker(label):
        try:
            for value in range(100):
                board.pin(label).write_digital(value % 2)
                assert board.request("ping").isdigit()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(label,)) for label in (0, 1, 8, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []


def test_a_second_board_on_a_port_in_use_is_refused():
    from kitbridge import BoardNotFound
    from kitbridge.sim import SimBoard

    with SimBoard("mpython", baud=0) as sim:
        with Board(sim.port):
            with pytest.raises(BoardNotFound, match="in use by another program"):
                Board(sim.port)
