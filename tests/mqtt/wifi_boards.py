"""Simulated ESP32 boards that join a broker with their own firmware (kb_net.py), as deploy --wifi leaves them."""

from __future__ import annotations

import json

from kitbridge.link.mqtt_broker import parse_broker
from kitbridge.sim import SimBoard


def address(broker, user: str | None = None, password: str | None = None):
    """The broker's address for an account (default: the teacher's)."""
    return parse_broker(f"127.0.0.1:{broker.port}", user=user or broker.user, password=password or broker.password,
                        tls=broker.tls, ca=str(broker.ca) if broker.ca else None)


def wifi_board(broker, board_id: str, keepalive: int = 2, **settings) -> SimBoard:
    """A simulated mPython board whose flash holds the Wi-Fi settings deploy writes (not started)."""
    sim = SimBoard("mpython", baud=0, pty=False)
    cfg = {"ssid": "classroom", "password": "wifi-secret", "broker": "127.0.0.1", "port": broker.port,
           "user": broker.user, "broker_password": broker.password, "id": board_id, "keepalive": keepalive}
    sim.files["kb_net.json"] = json.dumps(dict(cfg, **settings)).encode()
    return sim


def net_of(sim: SimBoard):
    """The firmware's running kb_net.Net (main.py keeps each boot hook's poll function)."""
    [poll] = sim.firmware.main.run
    return poll.__self__
