"""Reliability on the emulated micro:bit: a killed host leaves the pins safe; a killed board is noticed.

A board reset cannot be tested here: QEMU reloads the -kernel image on a system reset, which
wipes the deployed files (measured: after `reboot` the board came back to a bare REPL). The
simulated board covers restoring outputs after a reset (tests/reliability/test_reconnect.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kitbridge import Board, ConnectionLost
from kitbridge.link.qemu import QemuMicrobit
from kitbridge.boards import load_board
from kitbridge.deploy import deploy

PIN0 = 1 << 3  # edge pin 0 is nRF GPIO 3
HOST = """
import sys, time
from kitbridge import Board
board = Board(sys.argv[1])
board.pin(0).write_digital(1)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def deployed(qemu_tools):
    with QemuMicrobit() as board:
        deploy(board.repl, load_board("microbit-v1"))
        yield board


def test_killing_the_host_drives_the_motor_pin_low_within_500_ms(deployed, figure):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "host"))
    host = subprocess.Popen([sys.executable, "-c", HOST, deployed.pty], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert host.stdout.readline().strip() == "ready"
        assert deployed.gpio_out() & PIN0
        killed = time.monotonic()
        host.send_signal(signal.SIGKILL)
        while deployed.gpio_out() & PIN0:
            assert time.monotonic() - killed < 2, "the board kept pin 0 high after its host died"
            time.sleep(0.005)  # polling the register, not waiting for luck
        stopped = time.monotonic() - killed
    finally:
        host.kill()
        host.wait(5)
    figure("deadman after SIGKILL of the host (QEMU GPIO register)", f"{stopped * 1000:.0f} ms")
    assert stopped < 0.5


def test_a_killed_emulator_ends_the_next_request_with_connection_lost(deployed, figure):
    with Board(deployed.pty) as board:
        assert board.request("ping").isdigit()
        deployed.stop()
        started = time.monotonic()
        with pytest.raises(ConnectionLost):
            while time.monotonic() - started < 5:
                board.request("ping", timeout=0.5)
        noticed = time.monotonic() - started
    figure("ConnectionLost after QEMU was killed", f"{noticed * 1000:.0f} ms")
    assert noticed < 1.0



def test_reconnect_restores_outputs_and_the_deadman_on_the_real_firmware(deployed, figure):
    """The host's end of the line goes (its port closed under it), the board runs on: its deadman
    makes pin 0 safe; reconnect() opens the port again and the board's outputs and deadman return."""
    with Board(deployed.pty, deadman=0.4) as board:
        board.pin(0).write_digital(1)
        assert deployed.gpio_out() & PIN0
        board.link.port_object.close()  # as a yanked USB cable closes the port under the program
        with pytest.raises(ConnectionLost):
            board.request("ping", timeout=1)
        gone = time.monotonic()
        while deployed.gpio_out() & PIN0:
            assert time.monotonic() - gone < 2, "the board kept pin 0 high with nobody on the line"
            time.sleep(0.005)
        started = time.monotonic()
        board.reconnect(timeout=5)
        restored = time.monotonic() - started
        assert deployed.gpio_out() & PIN0, "reconnect did not set pin 0 again"
        assert board.request("ping").isdigit()
        board._client._keepalive_stop.set()  # the deadman is armed again: a silent host stops the outputs
        silent = time.monotonic()
        while deployed.gpio_out() & PIN0:
            assert time.monotonic() - silent < 2, "the deadman was not armed again after reconnect"
            time.sleep(0.005)
    figure("reconnect to the QEMU board, outputs restored", f"{restored * 1000:.0f} ms")
