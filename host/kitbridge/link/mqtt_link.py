"""`mqtt://[USER:PASSWORD@]HOST[:PORT]/BOARD` and `mqtts://...?ca=PATH`: a board on an MQTT broker.

BOARD is the board's id or its label. The link carries the same lines as a serial line: requests
are published on kitbridge/ID/down, the board's lines arrive on kitbridge/ID/up (link/mqtt_broker.py).
A lost broker connection, or the board's last will arriving, is ConnectionLost; Board.reconnect()
opens a fresh link. Options: ?timeout=S (finding the board, default 5), ?keepalive=S (default 10).
"""

from __future__ import annotations

import logging
import threading
import time

from ..errors import BoardNotFound, ConnectionLost
from .mqtt_broker import (
    BrokerAddress,
    BrokerDenied,
    Fence,
    UnknownBoard,
    connect,
    may_send,
    parse_hello,
    parse_url,
    redact,
    stop,
    topic,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
DEFAULT_KEEPALIVE = 10


class MqttLink:
    """Bytes to and from one board through an MQTT broker."""

    def __init__(self, port: str, address: BrokerAddress, target: str, *, timeout: float = DEFAULT_TIMEOUT,
                 keepalive: int = DEFAULT_KEEPALIVE) -> None:
        self.name = redact(port)
        self.board_kind: str | None = None
        self.board_id: str | None = None
        self.hellos: dict[str, dict] = {}  # every board announced on the broker, by id
        self._cv = threading.Condition()
        self._buf = bytearray()
        self._lost: str | None = None
        self._closed = False
        self._up = None
        self._fence: Fence | None = None
        self._where = address.shown()
        self._address = address
        self._client = connect(address, timeout=timeout, keepalive=keepalive, on_message=self._on_message,
                               on_disconnect=self._on_disconnect)
        try:
            self._find(target, timeout)
        except BaseException:
            self.close()
            raise

    def _find(self, target: str, timeout: float) -> None:
        if not target:
            raise ValueError(f"name the board in the address: {self.name.rstrip('/')}/BOARD-ID-OR-LABEL")
        self._fence = Fence(self._client, self._where)
        if not self._fence.wait([topic("+", "hello")], timeout):
            raise UnknownBoard(f"the MQTT broker {self._where} did not list its boards within {timeout:g} s; "
                               "check that this account may subscribe to kitbridge/+/hello (the broker's ACL)")
        board_id = self._resolve(target)
        if not may_send(self._address, topic(board_id, "down"), timeout):
            raise BrokerDenied(f"the MQTT broker {self._where} does not let this account send to board {board_id} "
                               "(its ACL); use the account of that board's desk, or ask the teacher")
        self.board_id = board_id
        self.board_kind = self.hellos[board_id].get("kind") or None
        self._up = topic(board_id, "up")
        self._fence = Fence(self._client, self._where)
        if not self._fence.wait([self._up], timeout):
            raise UnknownBoard(f"could not subscribe to {self._up} on {self._where} within {timeout:g} s; "
                               "check the broker's ACL for this account")
        log.info("board %s (%s) on %s", board_id, self.board_kind, self._where)

    def _resolve(self, target: str) -> str:
        with self._cv:
            hellos = dict(self.hellos)
        if target in hellos:
            board_id = target
        else:
            by_label = [bid for bid, h in hellos.items() if str(h.get("label", "")).casefold() == target.casefold()]
            online = [bid for bid in by_label if hellos[bid]["online"]]
            if not by_label:
                seen = ", ".join(sorted(hellos)[:10]) or "none"
                raise UnknownBoard(f"no board '{target}' has announced itself on the MQTT broker {self._where} "
                                   f"(boards seen: {seen}); check the board id or label, that the board is on "
                                   "Wi-Fi with this broker's address, or try `kitbridge list --broker`")
            board_id = (online or by_label)[0]
        if not hellos[board_id]["online"]:
            raise BoardNotFound(f"board '{target}' is offline on the MQTT broker {self._where} (its last will "
                                "says so); check that it is powered and on Wi-Fi")
        return board_id

    # paho's network thread

    def _on_message(self, client, userdata, message) -> None:
        name = message.topic
        if self._fence is not None and self._fence.matches(name):
            return
        if name == self._up:
            with self._cv:
                self._buf += message.payload
                self._cv.notify_all()
            return
        if name.endswith("/hello"):
            board_id = name.split("/")[1]
            hello = parse_hello(message.payload)
            with self._cv:
                if hello is None:
                    self.hellos.pop(board_id, None)
                else:
                    self.hellos[board_id] = hello
            if board_id == self.board_id and (hello is None or not hello["online"]):
                self._fail(f"board {board_id} went offline on {self._where} (its last will arrived)")

    def _on_disconnect(self, client, reason) -> None:
        if not self._closed:
            self._fail(f"lost the MQTT broker {self._where} ({reason}); check that it runs and the network")

    def _fail(self, reason: str) -> None:
        with self._cv:
            if self._lost is None and not self._closed:
                self._lost = reason
                log.warning("%s", reason)
            self._cv.notify_all()

    # the Link interface

    def read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        with self._cv:
            while not self._buf:
                if self._lost is not None or self._closed:
                    raise ConnectionLost(self._lost or f"the link to {self.name} is closed")
                left = deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._cv.wait(left)
            data = bytes(self._buf)
            self._buf.clear()
            return data

    def write(self, data: bytes) -> None:
        if self._lost is not None or self._closed:
            raise ConnectionLost(self._lost or f"the link to {self.name} is closed")
        info = self._client.publish(topic(self.board_id, "down"), data, qos=0)
        if info.rc != 0:
            self._fail(f"could not publish to the MQTT broker {self._where} (error {info.rc})")
            raise ConnectionLost(self._lost or "the MQTT broker connection is down")

    def close(self) -> None:
        with self._cv:
            if self._closed:
                return
            self._closed = True
            self._cv.notify_all()
        stop(self._client)


def open_link(port: str, target: str, options: dict[str, str]) -> MqttLink:
    address, board, extra = parse_url(port)
    unknown = set(extra) - {"timeout", "keepalive"}
    if unknown:
        raise ValueError(f"unknown mqtt option(s) {', '.join(sorted(unknown))}; it takes: ca, timeout, keepalive")
    try:
        timeout = float(extra.get("timeout", DEFAULT_TIMEOUT))
        keepalive = int(extra.get("keepalive", DEFAULT_KEEPALIVE))
    except ValueError:
        raise ValueError("timeout and keepalive in an mqtt:// address are numbers of seconds") from None
    return MqttLink(port, address, board, timeout=timeout, keepalive=keepalive)
