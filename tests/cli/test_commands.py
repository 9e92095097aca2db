"""The `kitbridge` command as a user types it: demo, run, lessons, info, sim, its errors and its help.

Commands that talk to a board use the simulated one (`--port sim...`); `demo` finds no board on
this machine and falls back to the simulator by itself, which is what a student sees at home.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import serial
from kitbridge import cli
from kitbridge.boards import board_kinds, load_board
from kitbridge.cli import demo
from kitbridge.discover import PortInfo
from kitbridge.lessons import all_lessons

# What lesson 01 says, in order: the lesson's prints, the scenario's narration, the lesson again.
NARRATION = ("LED on", "button A pressed (simulated)", "Button A pressed")


def assert_narrates(output: str) -> None:
    position = 0
    for text in NARRATION:
        found = output.find(text, position)
        assert found >= 0, f"{text!r} missing (or out of order) in:\n{output}"
        position = found + len(text)


def assert_one_error_line(result: subprocess.CompletedProcess, start: str) -> None:
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith(start), lines[0]
    assert "Traceback" not in result.stderr + result.stdout


# --- demo and run -------------------------------------------------------------------------------

def test_demo_without_a_board_runs_lesson_01_on_the_simulator(kitbridge, no_kit_board):
    result = kitbridge("demo")
    assert result.returncode == 0, result.stderr
    assert "No kit board answered, so the demo runs on the simulated mPython board." in result.stdout
    assert "Lesson 01:" in result.stdout
    assert_narrates(result.stdout)
    assert "Demo finished." in result.stdout
    assert result.stderr == ""


def test_demo_falls_back_to_the_sim_when_no_port_is_found(monkeypatch, capsys):
    monkeypatch.setattr(demo, "serial_ports", list)
    assert demo.choose_port() == "sim"
    assert "No kit board answered" in capsys.readouterr().out


def test_demo_says_which_board_did_not_answer_and_falls_back(monkeypatch, capsys):
    spec = load_board("mpython")
    silent = PortInfo("/dev/does-not-exist", 0x10C4, 0xEA60, None, "CP2104", (spec,))
    not_a_board = PortInfo("/dev/ttyS0", None, None, None, "n/a", ())
    monkeypatch.setattr(demo, "serial_ports", lambda: [not_a_board, silent])
    assert demo.choose_port() == "sim"
    out = capsys.readouterr().out
    assert f"found {spec.name} on /dev/does-not-exist but it did not answer" in out
    assert "/dev/ttyS0" not in out  # a port with no kit board's USB ids is not tried
    assert "No kit board answered" in out


def test_run_01_on_the_sim(capsys):
    assert cli.main(["run", "01", "--port", "sim"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Lesson 01: {all_lessons()[0].title()} — on sim\n")
    assert_narrates(out)


def test_run_an_unknown_lesson(kitbridge):
    result = kitbridge("run", "99", "--port", "sim")
    assert_one_error_line(result, "kitbridge: no lesson 99")
    assert result.stdout == ""


# --- lessons ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, title", [("en_GB.UTF-8", "title_en"), ("zh_CN.UTF-8", "title_zh")])
def test_lessons_lists_each_lesson_in_the_users_language(kitbridge, lang, title):
    result = kitbridge("lessons", LANG=lang)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    lessons = all_lessons()
    assert [line[:2] for line in lines] == [lesson.number for lesson in lessons]
    assert lines[0].startswith("01")
    for line, lesson in zip(lines, lessons, strict=True):
        assert getattr(lesson, title) in line
        assert all(kind in line for kind in lesson.boards)
    if lang.startswith("zh"):
        assert re.search("[\u4e00-\u9fff]", lines[0]), lines[0]


def test_lessons_lang_option_beats_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["lessons", "--lang", "zh"]) == 0
    assert all_lessons()[0].title_zh in capsys.readouterr().out


# --- info ---------------------------------------------------------------------------------------

def table_rows(lines: list[str]) -> list[list[str]]:
    """A rich table's rows as cell lists, a cell wrapped onto further lines joined back with spaces."""
    rows: list[list[str]] = []
    for line in lines:
        line = line.strip().replace("┃", "│")  # the header row's rules are heavy
        if not line.startswith("│"):
            continue
        cells = [cell.strip() for cell in line.strip("│").split("│")]
        if rows and cells[0] == "" and len(cells) == len(rows[-1]):
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    return rows


def info_sections(out: str) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    lines = out.splitlines()
    titles = [line.strip() for line in lines]
    devices_at, pins_at = titles.index("on-board devices"), titles.index("pins")
    return (table_rows(lines[:devices_at]), table_rows(lines[devices_at:pins_at]), table_rows(lines[pins_at:]))


@pytest.mark.parametrize("kind", board_kinds())
def test_info_on_each_simulated_board_kind(capsys, kind):
    assert cli.main(["info", "--port", f"sim:{kind}?baud=0"]) == 0
    out = capsys.readouterr().out
    spec = load_board(kind)
    about, devices, pins = info_sections(out)
    about = {row[0]: row[1] for row in about}
    assert about["board kind"] == kind
    assert about["firmware"] == "0.1.0"
    assert about["protocol"] == "1"
    assert re.fullmatch("[0-9a-f]+", about["unique id"]), about
    assert devices[0] == ["device", "type", "where"]
    assert {row[0]: row[1] for row in devices[1:]} == {name: d.type for name, d in spec.devices.items()}
    assert pins[0] == ["pin", "GPIO", "can"]
    assert pins[1:] == [[str(label), str(pin.gpio), " ".join(sorted(pin.caps))]
                        for label, pin in sorted(spec.pins.items())]


# --- sim ----------------------------------------------------------------------------------------

def first_line(stream, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert lines, f"no line on stdout within {timeout} s"
    return lines[0].rstrip("\n")


def reply(ser: serial.Serial, timeout: float = 3.0) -> str:
    """The next line from the board that is not an event."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = ser.readline().decode("ascii", "replace").rstrip("\r\n")
        if line and not line.startswith("@!"):
            return line
    pytest.fail(f"no reply within {timeout} s")


def test_sim_serves_a_person_typing_on_its_pty(tmp_path, cli_env):
    proc = subprocess.Popen([sys.executable, "-m", "kitbridge", "sim", "--board", "microbit-v1", "--baud", "0"],
                            cwd=tmp_path, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")
    ser = None
    try:
        path = first_line(proc.stdout, timeout=10)
        assert path.startswith("/dev/"), path
        ser = serial.Serial(path, 115200, timeout=0.2, rtscts=True, dsrdtr=True)
        ser.write(b"hello\r")
        hello = reply(ser)
        assert hello.startswith("ok proto=1 "), hello
        assert " board=microbit-v1 " in hello and " fw=0.1.0 " in hello, hello
        ser.write(b"garbage\r")
        assert reply(ser) == "err E_VERB unknown command garbage"
        ser.write(b"ping\r")
        assert re.fullmatch(r"ok \d+", reply(ser))
        ser.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=5) == 0
        # read(), not communicate(): the rest of the first stdout chunk sits in the stream's buffer
        assert "Ctrl-C stops" in proc.stdout.read()
        assert proc.stderr.read() == ""
    finally:
        if ser is not None:
            ser.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


# --- errors and help ----------------------------------------------------------------------------

def test_info_on_a_missing_port(kitbridge):
    result = kitbridge("info", "--port", "/dev/does-not-exist")
    assert_one_error_line(result, "kitbridge: could not open /dev/does-not-exist")
    assert "no such port" in result.stderr
    assert "dialout" not in result.stderr  # joining a group does not make a missing port appear


def test_info_on_an_unknown_sim_kind_names_the_kinds(kitbridge):
    result = kitbridge("info", "--port", "sim:nonsense")
    assert_one_error_line(result, "kitbridge: ")
    assert "nonsense" in result.stderr
    assert all(kind in result.stderr for kind in board_kinds()), result.stderr


def test_info_with_a_bad_sim_option(kitbridge):
    result = kitbridge("info", "--port", "sim?baud=x")
    assert_one_error_line(result, "kitbridge: ")
    assert "baud" in result.stderr


def test_help_lists_every_command(kitbridge):
    result = kitbridge("--help")
    assert result.returncode == 0, result.stderr
    for name, (_module, help_text) in cli.COMMANDS.items():
        assert re.search(rf"^\s+{name}\s+{re.escape(help_text)}$", result.stdout, re.MULTILINE), (name, result.stdout)
