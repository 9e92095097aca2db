"""tools/bench at a small size, without QEMU: it runs to the end and prints every row (its figures
are printed for people, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "tools" / "bench"
ROWS = ("pty echo floor, median round trip", "request over sim?baud=0, median round trip",
        "ratio to the floor", "import kitbridge, median wall time", "kitbridge --help, median wall time",
        "stream over sim at 115200: rate the board ran", "3-axis samples/s delivered", "fraction of the wire limit",
        "samples lost in 1 s", "to ConnectionLost", "to safe outputs, deadman 0.4 s",
        "replug (new name) to a restored board", "samples a 100 Hz stream lost across it")


def test_a_short_run_prints_every_figure():
    proc = subprocess.run([sys.executable, str(BENCH), "--requests", "20", "--seconds", "1", "--runs", "1",
                           "--outages", "2", "--no-qemu"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = [line.strip() for line in proc.stdout.splitlines()]
    values = {row: [line[len(row):].strip() for line in lines if line.startswith(row)] for row in ROWS}
    assert all(len(v) == 1 and v[0] for v in values.values()), (values, proc.stdout)
