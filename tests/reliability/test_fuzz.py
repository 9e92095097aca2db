"""tools/fuzz at a small count: garbage in never crashes either parser, and the agent still
answers hello afterwards (the 100,000-input run is `tools/fuzz`, outside the default run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_fuzz_run_finds_no_crash():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "fuzz"), "--count", "3000", "--wasm-count", "500",
                           "--json"], capture_output=True, text=True, timeout=120)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0, report
    agent, host = report["agent/cpython"], report["host parser"]
    assert (agent["inputs"], agent["crashes"], agent["hello"]) == (3000, 0, True)
    assert (host["inputs"], host["crashes"]) == (3000, 0)
    wasm = report["agent/wasm"]
    if not (isinstance(wasm, str) and wasm.startswith("skipped")):
        assert (wasm["inputs"], wasm["crashes"], wasm["hello"]) == (500, 0, True), wasm
