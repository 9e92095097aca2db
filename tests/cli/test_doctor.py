"""`kitbridge doctor`: each check meets its condition for real where it can (a port held by another
process, a line where nothing answers, a fake agent with old firmware or an unknown kind, brltty and
ModemManager on PATH); permission only by patching os.access, as these tests run as root."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import tty
from collections.abc import Iterator

import pytest
from kitbridge import doctor, wire
from kitbridge.cli import main

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ptys and /proc")


class FakeAgent(threading.Thread):
    """A pty whose other end answers `hello` with the words given (a test driver, no firmware)."""

    def __init__(self, hello: str) -> None:
        super().__init__(daemon=True)
        self.master, self.slave = os.openpty()  # the slave stays open: a master alone reads EIO
        tty.setraw(self.slave)
        self.port = os.ttyname(self.slave)
        self.hello = hello
        self.stopped = threading.Event()

    def run(self) -> None:
        buf = b""
        while not self.stopped.is_set():
            try:
                data = os.read(self.master, 256)
            except OSError:
                return
            buf += data.replace(b"\r", b"\n")
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                words = line.split()
                if len(words) >= 2 and words[1] == b"hello":
                    body = f"@{words[0].decode()} ok {self.hello}"
                    os.write(self.master, f"{body} *{wire.checksum(body)}\r\n".encode())


@pytest.fixture
def fake_agent() -> Iterator:
    agents = []

    def make(hello: str) -> FakeAgent:
        agent = FakeAgent(hello)
        agent.start()
        agents.append(agent)
        return agent

    yield make
    for agent in agents:
        agent.stopped.set()
        os.close(agent.slave)
        os.close(agent.master)


def hello(fw: str = "0.1.0", board: str = "microbit-v1") -> str:
    return f"proto=1 fw={fw} board={board} uid=1 rx=32 line=32 heap=1800 dev=led"


def doctor_lines(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["doctor", *args])
    return code, capsys.readouterr().out.splitlines()


@pytest.fixture(autouse=True)
def no_interference(monkeypatch):
    monkeypatch.setattr(doctor, "SYSTEM_DIRS", ())
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))


def test_current_kit_firmware_is_ok(fake_agent, capsys):
    agent = fake_agent(hello())
    code, lines = doctor_lines(capsys, "--port", agent.port)
    assert code == 0 and lines == ["ok    kit firmware 0.1.0 answers on the microbit-v1", "no problems found"]


def test_old_kit_firmware(fake_agent, capsys):
    agent = fake_agent(hello(fw="0.0.1"))
    code, lines = doctor_lines(capsys, "--port", agent.port)
    assert code == 1
    assert lines[0] == (f"FIX   kit firmware 0.0.1 on the microbit-v1 is older than this kitbridge's 0.1.0 "
                        f"-> kitbridge deploy --port {agent.port}")


def test_board_kind_not_recognised(fake_agent, capsys):
    agent = fake_agent(hello(board="robot-x"))
    code, lines = doctor_lines(capsys, "--port", agent.port)
    assert code == 1 and "says it is a 'robot-x', a kind this kitbridge does not know" in lines[0]


def test_port_held_by_another_process(fake_agent, capsys):
    agent = fake_agent(hello())
    code = (f"import serial,sys\ns=serial.Serial({agent.port!r}, exclusive=True)\nprint('held', flush=True)\n"
            "sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        code, lines = doctor_lines(capsys, "--port", agent.port)
    finally:
        holder.stdin.close()
        holder.wait(5)
    assert code == 1
    assert lines[0].startswith(f"FIX   {agent.port} is held by {holder.pid} (python")
    assert "close that program" in lines[0]


def test_no_micropython_on_a_silent_line(capsys):
    master, slave = os.openpty()
    port = os.ttyname(slave)
    os.close(slave)
    try:
        code, lines = doctor_lines(capsys, "--port", port)
    finally:
        os.close(master)
    assert code == 1 and lines[0].startswith(f"FIX   no MicroPython answered Ctrl-C on {port} -> put MicroPython on it")


def test_no_permission(fake_agent, capsys, monkeypatch):
    agent = fake_agent(hello())
    monkeypatch.setattr(doctor.os, "access", lambda path, mode: path != agent.port)
    code, lines = doctor_lines(capsys, "--port", agent.port)
    assert code == 1
    assert lines[0] == (f"FIX   no permission to use {agent.port} -> sudo usermod -aG dialout $USER, "
                        "then log out and back in")


def test_brltty_and_modemmanager(tmp_path, fake_agent, capsys, monkeypatch):
    for name in ("brltty", "ModemManager"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    agent = fake_agent(hello())
    code, lines = doctor_lines(capsys, "--port", agent.port)
    assert code == 1
    assert lines[0].startswith(f"FIX   brltty is installed ({tmp_path}/brltty)") and "apt remove brltty" in lines[0]
    assert lines[1].startswith("FIX   ModemManager is installed") and "disable --now ModemManager" in lines[1]
