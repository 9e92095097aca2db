"""The tests' broker helpers: Mosquitto itself runs through tools/mosquitto_proc.py (shared with
tools/bench-mqtt); here the classroom ACL of docs/classroom-wifi.md, its desk accounts, and HelloWatch."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parents[2] / "tools"))

from mosquitto_proc import PASSWORD, free_port, make_broker  # noqa: E402,F401

DESKS = {"desk-07": "desk7-pass", "desk-08": "desk8-pass"}  # desk accounts, as docs/classroom-wifi.md makes them
DOCS = Path(__file__).resolve().parents[2] / "docs" / "classroom-wifi.md"


def classroom_acl() -> str:
    """The ACL file exactly as docs/classroom-wifi.md gives it (the code block after its marker)."""
    import re

    found = re.search(r"<!-- kitbridge\.acl:[^\n]*-->\n```\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    if found is None:
        raise AssertionError(f"no kitbridge.acl block in {DOCS}")
    return found.group(1)


class HelloWatch:
    """Every board hello the broker delivers, as it arrives: wait(board_id, online) waits for one."""

    def __init__(self, address) -> None:
        import threading

        from kitbridge.link.mqtt_broker import connect, parse_hello

        self.seen: list[tuple[str, dict]] = []
        self._cv = threading.Condition()

        def on_message(client, userdata, message) -> None:
            hello = parse_hello(message.payload)
            if hello is not None:
                with self._cv:
                    self.seen.append((message.topic.split("/")[1], hello))
                    self._cv.notify_all()

        self._client = connect(address, on_message=on_message)
        self._client.subscribe("kitbridge/+/hello")

    def wait(self, board_id: str, online: bool, timeout: float) -> dict | None:
        """The board's latest hello once it says `online`, or None after `timeout` seconds."""

        def latest() -> dict | None:
            mine = [h for b, h in self.seen if b == board_id]
            return mine[-1] if mine and mine[-1]["online"] == online else None

        with self._cv:
            self._cv.wait_for(lambda: latest() is not None, timeout)
            return latest()

    def close(self) -> None:
        from kitbridge.link.mqtt_broker import stop

        stop(self._client)

    def __enter__(self) -> HelloWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
