"""tools/bench-mqtt at a small size: it starts and stops its own Mosquitto and prints every row (its
figures are printed for people, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tooling import tool_missing

BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench-mqtt"
ROWS = ("ping over sim?baud=0 (serial)", "ping over the broker, bridged mPython (sim --broker)",
        "ping over the broker, ESP32 firmware kb_net+umqtt", "ping over mqtts:// (TLS), ESP32 firmware kb_net+umqtt",
        "ratio broker / serial, bridged mPython", "ratio broker / serial, ESP32 firmware",
        "stream 10 boards x 100 Hz: lowest rate a board ran", "samples/s delivered in total",
        "samples/s per board, median (lowest)", "samples lost in 1 s, all boards")


def test_a_short_run_prints_every_figure():
    proc = subprocess.run([sys.executable, str(BENCH), "--requests", "20", "--seconds", "1"], capture_output=True,
                          text=True, timeout=60)
    if proc.returncode == 2 and "install" in proc.stderr:
        tool_missing(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    lines = [line.strip() for line in proc.stdout.splitlines()]
    values = {row: [line[len(row):].strip() for line in lines if line.startswith(row)] for row in ROWS}
    assert all(len(v) == 1 and v[0] for v in values.values()), (values, proc.stdout)
