"""A real Mosquitto on a loopback port: password file, a TLS variant with a throwaway CA, and one
with the classroom ACL of docs/classroom-wifi.md and two desk accounts.

Missing mosquitto: the layer skips locally and fails on CI (tools/test installs it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from broker_proc import DESKS, classroom_acl, make_broker
from tooling import tool_missing


def _broker(tmp_path: Path, tls: bool, **options):
    try:
        import paho.mqtt  # noqa: F401
    except ImportError:
        tool_missing("paho-mqtt is not installed (pip install 'kitbridge[mqtt]')")
    try:
        return make_broker(tmp_path, tls=tls, **options)
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


@pytest.fixture
def acl_broker(tmp_path: Path):
    b = _broker(tmp_path, tls=False, acl=classroom_acl(), users=DESKS)
    b.start()
    yield b
    b.stop()
