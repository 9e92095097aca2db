"""A real Mosquitto on a loopback port: password file, and a TLS variant with a throwaway CA.

Missing mosquitto: the layer skips locally and fails on CI (tools/test installs it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from broker_proc import make_broker
from tooling import tool_missing


def _broker(tmp_path: Path, tls: bool):
    try:
        import paho.mqtt  # noqa: F401
    except ImportError:
        tool_missing("paho-mqtt is not installed (pip install 'kitbridge[mqtt]')")
    try:
        return make_broker(tmp_path, tls=tls)
    except FileNotFoundError:
        tool_missing("mosquitto is not installed (Debian package mosquitto)")


@pytest.fixture
def broker(tmp_path: Path):
    b = _broker(tmp_path, tls=False)
    b.start()
    yield b
    b.stop()


@pytest.fixture
def tls_broker(tmp_path: Path):
    b = _broker(tmp_path, tls=True)
    b.start()
    yield b
    b.stop()
