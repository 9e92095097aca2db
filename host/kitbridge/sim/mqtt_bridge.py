"""A simulated board on an MQTT broker, as a Wi-Fi board running firmware/kb_net.py is.

    with SimBridge(parse_broker("localhost:1883"), kind="mpython", board_id="table-7") as bridge:
        ...                                 # Board("mqtt://localhost:1883/table-7") drives bridge.sim

The SimBoard's serial line is bridged: lines from kitbridge/ID/down go to the board, whole lines the
board writes go to kitbridge/ID/up. The bridge announces the board (retained) on kitbridge/ID/hello,
with a last will that marks it offline when the process dies, and reconnects after a broker restart.
"""

from __future__ import annotations

import logging
import threading

from ..errors import ConnectionLost, KitError
from ..link.mqtt_broker import BrokerAddress, check_board_id, connect, hello_payload, stop, topic
from ..link.serial_link import SerialLink
from .board import SimBoard

log = logging.getLogger(__name__)

MAX_CHUNK = 1024  # a console line without a newline is sent anyway once this long


class SimBridge:
    def __init__(self, address: BrokerAddress, *, kind: str = "mpython", board_id: str | None = None,
                 label: str = "", keepalive: int = 10, timeout: float = 5.0) -> None:
        self.address = address
        self.sim = SimBoard(kind, baud=0, pty=False)
        self.board_id = check_board_id(board_id) if board_id else f"sim-{self.sim._uid.hex()}"
        self.label = label
        self.keepalive = keepalive
        self.timeout = timeout
        self.connects = 0  # successful broker connections (more than 1: it reconnected)
        self._down = topic(self.board_id, "down")
        self._stop = threading.Event()
        self._client = None
        self._line: SerialLink | None = None
        self._pump: threading.Thread | None = None
        self._announce = None  # the hello's publish, to wait until the broker has it

    def _hello(self, online: bool) -> bytes:
        return hello_payload(online, self.sim.kind, self.sim._uid.hex(), self.label, "sim")

    def start(self) -> SimBridge:
        self.sim.start()
        self._line = SerialLink(f"sim:{self.sim.kind}", port_object=self.sim.serial_object)
        try:
            self._client = connect(self.address, client_id=f"kb-board-{self.board_id}", timeout=self.timeout,
                                   keepalive=self.keepalive, will=(topic(self.board_id, "hello"), self._hello(False)),
                                   on_message=self._on_message, on_connect=self._on_connect, reconnect=True)
        except BaseException:
            self.sim.stop()
            raise
        if self._announce is not None:
            self._announce.wait_for_publish(self.timeout)
        if self._announce is None or not self._announce.is_published():
            self.stop()
            raise KitError(f"the MQTT broker {self.address.shown()} did not take board {self.board_id}'s hello; "
                           "check that this account may publish to kitbridge/# (the broker's ACL)")
        self._pump = threading.Thread(target=self._pump_loop, name=f"sim bridge {self.board_id}", daemon=True)
        self._pump.start()
        log.info("simulated %s on %s as board %s", self.sim.kind, self.address.shown(), self.board_id)
        return self

    def _on_connect(self, client) -> None:
        # after every (re)connect: a restarted broker without persistence forgot both
        self.connects += 1
        client.subscribe(self._down, qos=0)
        self._announce = client.publish(topic(self.board_id, "hello"), self._hello(True), qos=1, retain=True)

    def _on_message(self, client, userdata, message) -> None:
        if message.topic == self._down and self._line is not None:
            try:
                self._line.write(message.payload)
            except ConnectionLost as exc:
                log.debug("board %s: %s", self.board_id, exc)

    def _pump_loop(self) -> None:
        pending = b""
        up = topic(self.board_id, "up")
        while not self._stop.is_set():
            try:
                data = self._line.read(0.05)
            except ConnectionLost:
                return
            if not data:
                continue
            pending += data
            end = pending.rfind(b"\n") + 1
            if not end and len(pending) >= MAX_CHUNK:
                end = len(pending)
            if end:
                self._client.publish(up, pending[:end], qos=0)  # while the broker is away: lost, as on a line
                pending = pending[end:]

    def stop(self) -> None:
        """Say offline (retained), leave the broker and switch the board off. Idempotent."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._client is not None:
            try:
                info = self._client.publish(topic(self.board_id, "hello"), self._hello(False), qos=1, retain=True)
                info.wait_for_publish(timeout=2)
            except (RuntimeError, ValueError) as exc:  # not connected: the broker keeps the last will
                log.debug("board %s: could not say offline: %s", self.board_id, exc)
            stop(self._client)
        if self._pump is not None:
            self._pump.join(timeout=1)
        self.sim.stop()

    def __enter__(self) -> SimBridge:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(address: BrokerAddress, **options: object) -> SimBridge:
    """Start a simulated board on the broker (options as SimBridge takes); stop() it when done."""
    return SimBridge(address, **options).start()  # type: ignore[arg-type]
