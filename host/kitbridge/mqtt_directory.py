"""The boards an MQTT broker has seen: their retained hellos on kitbridge/+/hello (link/mqtt_broker.py).

    for seen in boards_on_broker(parse_broker("school-pi:1883", user="teacher", password=...)):
        rows.append((seen.board_id, seen.label, seen.online, seen.port))
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .errors import KitTimeout
from .link.mqtt_broker import BrokerAddress, Fence, connect, parse_hello, stop, topic


@dataclass(frozen=True)
class BrokerBoard:
    board_id: str
    online: bool
    kind: str
    label: str
    uid: str
    port: str  # what Board() takes for it (without the password)


def boards_on_broker(address: BrokerAddress, *, timeout: float = 5.0) -> list[BrokerBoard]:
    """Every board with a hello retained on the broker, online first, then by label and id.

    Raises BrokerUnreachable / BrokerAuthError (what to check), BrokerDenied if the broker's ACL
    forbids kitbridge/+/hello to this account, or KitTimeout if the broker does not deliver the list."""
    hellos: dict[str, dict] = {}
    lock = threading.Lock()
    fence: list[Fence] = []

    def on_message(client, userdata, message) -> None:
        if fence and fence[0].matches(message.topic):
            return
        hello = parse_hello(message.payload)
        if message.topic.endswith("/hello"):
            with lock:
                if hello is None:
                    hellos.pop(message.topic.split("/")[1], None)
                else:
                    hellos[message.topic.split("/")[1]] = hello

    client = connect(address, timeout=timeout, on_message=on_message)
    try:
        fence.append(Fence(client, address.shown()))
        if not fence[0].wait([topic("+", "hello")], timeout):
            raise KitTimeout(f"the MQTT broker {address.shown()} did not list its boards within {timeout:g} s; "
                             "check that this account may subscribe to kitbridge/+/hello (the broker's ACL)")
    finally:
        stop(client)
    scheme = "mqtts" if address.tls else "mqtt"
    who = f"{address.user}@" if address.user else ""
    with lock:
        found = [BrokerBoard(bid, bool(h["online"]), str(h.get("kind", "")), str(h.get("label", "")),
                             str(h.get("uid", "")), f"{scheme}://{who}{address.host}:{address.port}/{bid}")
                 for bid, h in hellos.items()]
    return sorted(found, key=lambda b: (not b.online, b.label or "~", b.board_id))
