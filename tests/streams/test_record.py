"""Recording to CSV: it survives its process being killed; plots of a recording."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kitbridge import Board
from kitbridge.cli import main
from tooling import tool_missing

HOST = str(Path(__file__).resolve().parents[2] / "host")
RECORDER = """
import sys
from kitbridge import Board
with Board("sim:microbit-v2") as board:
    board.record([board.accelerometer, board.light], seconds=60, path=sys.argv[1], hz=200)
"""


def rows_of(path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_a_killed_recorder_leaves_a_csv_holding_every_flushed_sample(tmp_path):
    path = tmp_path / "data.csv"
    env = dict(os.environ, PYTHONPATH=HOST)
    proc = subprocess.Popen([sys.executable, "-c", RECORDER, str(path)], env=env)
    try:
        deadline = time.monotonic() + 30
        seen = b""
        while seen.count(b"\n") < 400:  # a header and two seconds of samples, flushed batch by batch
            assert proc.poll() is None, "the recorder ended early"
            assert time.monotonic() < deadline, "fewer than 400 lines were written in 30 s"
            time.sleep(0.05)
            seen = path.read_bytes() if path.exists() else b""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    after = path.read_bytes()
    assert after.startswith(seen[:seen.rfind(b"\n") + 1]), "rows flushed before the kill were lost"
    assert after.endswith(b"\n"), "a batch was half written"
    rows = rows_of(path)
    assert rows[0] == ["time [s]", "device", "accelerometer.x [g]", "accelerometer.y [g]", "accelerometer.z [g]",
                       "light.level [0-1]"]
    assert all(len(r) == 6 for r in rows[1:])
    for device in ("accelerometer", "light"):
        times = [float(r[0]) for r in rows[1:] if r[1] == device]
        assert len(times) >= 100
        steps = [b - a for a, b in zip(times, times[1:])]
        assert all(0.004 <= d <= 0.006 for d in steps), f"{device}: a gap or disorder in {sorted(steps)[-3:]}"


def test_record_labels_rows_and_plot_writes_a_png(tmp_path, capsys):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        tool_missing("plots need matplotlib (the test extra)")
    path, png = tmp_path / "data.csv", tmp_path / "x.png"
    with Board("sim:microbit-v2") as board:
        board.sim.world.acceleration = (0.0, 1.0, 0.0)
        result = board.record([board.accelerometer], seconds=0.5, path=path, hz=100,
                              label=lambda: "tilted")
    rows = rows_of(path)
    assert rows[0][-1] == "label" and len(rows) - 1 == result.total >= 45
    assert {tuple(r[2:]) for r in rows[1:]} == {("0", "1", "0", "tilted")}
    assert result.lost == {"accelerometer": 0}
    assert main(["plot", str(path), "--save", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"saved {png}" in capsys.readouterr().out
