"""The host process dies (SIGKILL: no finally, no close): the board stops the motor and releases
the servo by itself within 500 ms, by its deadman."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kitbridge.sim import SimBoard

STOPPED_WITHIN = 0.5
MOTOR, SERVO = 0, 8  # mPython labels: P0 digital out, P8 PWM
HOST = """
import sys, time
from kitbridge import Board
board = Board(sys.argv[1])
board.pin({motor}).write_digital(1)
board.pin({servo}).write_analog(77, frequency=50)
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL and a pty")
@pytest.mark.parametrize("run", range(3))
def test_killing_the_host_stops_motor_and_servo_within_500_ms(run):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "host"))
    with SimBoard("mpython", baud=115200) as sim:
        world = sim.world
        motor, servo = world.pin_name(33), world.pin_name(26) + " pwm"
        host = subprocess.Popen([sys.executable, "-c", HOST.format(motor=MOTOR, servo=SERVO), sim.port],
                                stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert host.stdout.readline().strip() == "ready"
            assert world.value(motor) == 1 and world.value(servo) == (77, 50)
            # kill at a different moment of the keep-alive cycle each run
            time.sleep(0.03 * run)  # not a wait for a condition: it picks the kill moment
            killed = time.monotonic()
            host.send_signal(signal.SIGKILL)
            assert world.wait_for(lambda: world.value(motor) == 0 and world.value(servo) is None, timeout=2)
        finally:
            host.kill()
            host.wait(5)
        stopped = max(world.history(motor)[-1].t, world.history(servo)[-1].t)
        assert stopped - killed < STOPPED_WITHIN, f"outputs stopped {stopped - killed:.3f} s after the kill"
        print(f"deadman after SIGKILL: {1000 * (stopped - killed):.0f} ms")
