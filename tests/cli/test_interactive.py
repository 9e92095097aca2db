"""`kitbridge run NN --interactive` as a student uses it: in a terminal (a pseudo-terminal here),
keys move the simulated world, the lesson reacts, q or Ctrl-C end it with the terminal restored."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import threading
import time

import pytest
from kitbridge.cli.keyboard import keyboard_fd, keys_of
from kitbridge.errors import KitError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="--interactive needs a POSIX terminal")
# The child makes the pty its controlling terminal (so Ctrl-C there is SIGINT), then becomes kitbridge.
SESSION = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
           "os.execv(sys.executable, [sys.executable, '-m', 'kitbridge', *sys.argv[1:]])")
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])")


class Terminal:
    """A pseudo-terminal, 120x40, with `python -m kitbridge ARGS` running in it as its session."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: str) -> None:
        import fcntl
        import struct
        import termios

        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.modes = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SESSION, *args], stdin=self.slave, stdout=self.slave, stderr=self.slave,
            cwd=cwd, env=dict(env, TERM="xterm-256color"), start_new_session=True)
        self._raw = bytearray()
        self._cv = threading.Condition()
        self._done = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._done.is_set():
            if select.select([self.master], [], [], 0.05)[0]:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    return
                with self._cv:
                    self._raw.extend(data)
                    self._cv.notify_all()

    @property
    def text(self) -> str:
        """Everything the terminal showed, escape sequences removed."""
        with self._cv:
            return ANSI.sub("", self._raw.decode("utf-8", "replace")).replace("\r", "")

    def wait_for(self, *needles: str, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        with self._cv:
            while not all(n in self.text for n in needles):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    return all(n in self.text for n in needles)
                self._cv.wait(0.1)
        return True

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def lflag(self) -> int:
        import termios

        return termios.tcgetattr(self.slave)[3]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._done.set()
        self._reader.join(1)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal(tmp_path, cli_env):
    """terminal(*args) -> a Terminal running `kitbridge ARGS`; killed and closed after the test."""
    opened: list[Terminal] = []

    def start(*args: str) -> Terminal:
        opened.append(Terminal(list(args), cli_env(), str(tmp_path)))
        return opened[-1]

    yield start
    for t in opened:
        t.close()


def assert_restored(t: Terminal) -> None:
    import termios

    assert t.lflag() & (termios.ICANON | termios.ECHO) == t.modes[3] & (termios.ICANON | termios.ECHO), \
        "the terminal was left in cbreak mode"


@posix_only
def test_the_student_makes_it_dark_the_night_light_comes_on_and_q_quits(terminal):
    t = terminal("run", "03", "--port", "sim", "--interactive")
    assert t.wait_for("Cover the light sensor", "light 0.5", "LED off", "1 2 light darker"), t.text
    assert "buzzer" not in t.text and "tilt left" not in t.text, "only the keys and readings of lesson 03"
    t.send("111")  # darker, darker, darker: 0.2
    assert t.wait_for("light 0.2", "Dark (0.20): night light on", "LED on"), t.text
    t.send("q")
    assert t.proc.wait(20) == 0, t.text
    assert t.wait_for("Lesson 03 stopped")
    assert "Traceback" not in t.text and "Good night" not in t.text
    assert_restored(t)


@posix_only
def test_ctrl_c_ends_the_lesson_as_cleanly_as_q(terminal):
    t = terminal("run", "03", "--port", "sim:microbit-v2", "--interactive")
    assert t.wait_for("Cover the light sensor", "light 0.5"), t.text
    t.send("\x03")
    assert t.proc.wait(20) == 0, t.text
    assert t.wait_for("Lesson 03 stopped") and "Traceback" not in t.text
    assert_restored(t)


@posix_only
def test_when_the_lesson_ends_by_itself_so_does_the_run(terminal):
    t = terminal("run", "03", "--port", "sim", "--interactive")
    assert t.wait_for("Press A to stop", "buttons -"), t.text
    t.send("a")  # the lesson stops on button A
    assert t.proc.wait(20) == 0, t.text
    assert t.wait_for("Good night!", "Lesson 03 finished"), t.text
    assert_restored(t)


def test_interactive_on_a_real_port_says_to_use_the_simulator(kitbridge):
    result = kitbridge("run", "03", "--port", "/dev/ttyUSB9", "--interactive")
    assert result.returncode == 1
    assert "kitbridge: --interactive moves a simulated board's world" in result.stderr
    assert "--port sim" in result.stderr


def test_interactive_without_a_terminal_says_it_needs_one(tmp_path, cli_env):
    result = subprocess.run([sys.executable, "-m", "kitbridge", "run", "03", "--interactive"], cwd=tmp_path, check=False,
                            env=cli_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr and "Traceback" not in result.stderr


def test_without_termios_windows_gets_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "termios", None)  # importing it now fails, as on Windows
    with pytest.raises(KitError, match="without --interactive, or run it in WSL"):
        keyboard_fd()


def test_arrow_and_function_keys_are_not_read_as_letters():
    assert keys_of("a\x1b[A1\x1b[1;5Cb\x1bOPq") == ["a", "1", "b", "q"]
