"""Running the `kitbridge` command as a user does: `python -m kitbridge ...` in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Variables that would change what the command does under test.
_UNSET = ("KITBRIDGE_DEBUG", "KITBRIDGE_PORT", "LC_ALL", "LC_MESSAGES", "COLUMNS")


@pytest.fixture
def cli_env():
    """cli_env(**extra) -> a user's environment with the checkout's host/ on PYTHONPATH."""

    def make(**extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _UNSET}
        env["PYTHONPATH"] = str(REPO / "host")
        env.update(extra)
        return env

    return make


@pytest.fixture
def kitbridge(tmp_path, cli_env):
    """kitbridge(*args, timeout=60, **env) -> CompletedProcess, run outside the checkout."""

    def run(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kitbridge", *args], cwd=tmp_path, env=cli_env(**env),
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                              check=False)

    return run


@pytest.fixture
def no_kit_board():
    """Skip when a kit board is attached here: `kitbridge demo` would (rightly) use it, not the sim."""
    from kitbridge.discover import serial_ports

    attached = [port.device for port in serial_ports() if port.candidates]
    if attached:
        pytest.skip(f"a kit board is attached ({', '.join(attached)}), so the demo would not use the simulator")
