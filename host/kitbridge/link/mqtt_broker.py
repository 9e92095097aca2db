"""What the MQTT link, the simulated board's bridge and the broker directory share: broker addresses,
topics, the hello a board announces, and connecting with errors that say what to check.

Topics, for a board id ID (docs/classroom-wifi.md):
    kitbridge/ID/hello   retained JSON {"online": true|false, "kind", "uid", "label", "fw"}; the board's
                         last will sets it offline
    kitbridge/ID/up      board -> host: whole protocol lines, as on the serial line
    kitbridge/ID/down    host -> board: request lines
Frames travel at QoS 0: at most once, as on a serial line. QoS 1 could deliver a request twice, and
the protocol resends only idempotent requests itself (client.idempotent).
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import BoardNotFound

log = logging.getLogger(__name__)

DEFAULT_PORT = {"mqtt": 1883, "mqtts": 8883}
ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
PASSWORD_ENV = "KITBRIDGE_MQTT_PASSWORD"
USER_ENV = "KITBRIDGE_MQTT_USER"


class BrokerUnreachable(BoardNotFound):
    """No MQTT broker answered at the address (down, wrong host or port, firewall, TLS mismatch)."""


class BrokerAuthError(BoardNotFound):
    """The broker refused the user name and password (or this account may not connect)."""


class UnknownBoard(BoardNotFound):
    """No board with that id or label has announced itself on the broker."""


class BrokerDenied(BoardNotFound):
    """The broker's ACL does not let this account read a topic it needs (another desk's board)."""


def topic(board_id: str, kind: str) -> str:
    return f"kitbridge/{board_id}/{kind}"


def check_board_id(board_id: str) -> str:
    if not ID_PATTERN.fullmatch(board_id):
        raise ValueError(f"a board id is 1-64 letters, digits, '_', '-' or '.', not {board_id!r}")
    return board_id


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in repr, logs or messages
    ca: str | None = None

    def shown(self) -> str:
        """The address without the password, for messages and logs."""
        who = f"{self.user}@" if self.user else ""
        return f"{'mqtts' if self.tls else 'mqtt'}://{who}{self.host}:{self.port}"


def parse_broker(text: str, *, user: str | None = None, password: str | None = None, tls: bool = False,
                 ca: str | None = None) -> BrokerAddress:
    """'HOST[:PORT]' (or a whole mqtt:// / mqtts:// URL) -> BrokerAddress; the user and password
    default to $KITBRIDGE_MQTT_USER / $KITBRIDGE_MQTT_PASSWORD."""
    if "://" in text:
        address, _, _ = parse_url(text)
        return address
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        host, port = text, ""
    if not host:
        raise ValueError(f"give the broker as HOST or HOST:PORT, not {text!r}")
    scheme = "mqtts" if tls else "mqtt"
    return BrokerAddress(host, int(port) if port else DEFAULT_PORT[scheme], tls,
                         user if user is not None else os.environ.get(USER_ENV) or None,
                         password if password is not None else os.environ.get(PASSWORD_ENV) or None, ca)


def parse_url(url: str) -> tuple[BrokerAddress, str, dict[str, str]]:
    """'mqtts://u:p@host:8883/table-7?ca=ca.pem' -> (address, 'table-7', {'ca': 'ca.pem'})."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORT:
        raise ValueError(f"an MQTT port name starts mqtt:// or mqtts://, not {url.split(':', 1)[0]}:")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        port = parts.port or DEFAULT_PORT[parts.scheme]
    except ValueError:
        raise ValueError("the broker port in an mqtt:// address must be a number") from None
    if not parts.hostname:
        raise ValueError("give the broker in the address: mqtt://HOST[:PORT]/BOARD")
    user = unquote(parts.username) if parts.username else os.environ.get(USER_ENV) or None
    password = unquote(parts.password) if parts.password is not None else os.environ.get(PASSWORD_ENV) or None
    address = BrokerAddress(parts.hostname, port, parts.scheme == "mqtts", user, password, options.pop("ca", None))
    return address, unquote(parts.path.strip("/")), options


def redact(url: str) -> str:
    """An mqtt:// port name without its password (what Board and the logs may show)."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username}:***@{netloc}").geturl()


def hello_payload(online: bool, kind: str, uid: str, label: str = "", fw: str = "") -> bytes:
    return json.dumps({"online": online, "kind": kind, "uid": uid, "label": label, "fw": fw}).encode()


def parse_hello(payload: bytes) -> dict | None:
    """A board's announcement, or None if it is not one (an empty retained message clears it)."""
    try:
        hello = json.loads(payload)
    except ValueError:
        return None
    return hello if isinstance(hello, dict) and isinstance(hello.get("online"), bool) else None


def connect(address: BrokerAddress, *, client_id: str | None = None, timeout: float = 5.0, keepalive: int = 10,
            will: tuple[str, bytes] | None = None, on_message=None, on_connect=None, on_disconnect=None,
            reconnect: bool = False, mqtt5: bool = False):
    """A paho client connected to `address`, its network thread running.

    Raises BrokerUnreachable or BrokerAuthError saying what to check. With `reconnect` the client
    keeps reconnecting after a lost connection (a board); without, it stays down (a host link
    reports ConnectionLost and Board reconnects with a fresh link). on_connect(client) runs after
    each successful connection. MQTT 3.1.1 unless `mqtt5`."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id or f"kb-{uuid.uuid4().hex[:12]}",
                         protocol=mqtt.MQTTv5 if mqtt5 else mqtt.MQTTv311)
    client.connect_timeout = timeout
    client.reconnect_delay_set(min_delay=1, max_delay=2)
    if address.user or address.password:
        client.username_pw_set(address.user or "", address.password)
    if address.tls:
        if address.ca is not None and not os.path.exists(address.ca):
            raise ValueError(f"the CA certificate {address.ca} does not exist; check the ?ca= path")
        client.tls_set(ca_certs=address.ca)
    if will is not None:
        client.will_set(will[0], will[1], qos=1, retain=True)
    answered = threading.Event()
    result: list = []

    def connected(c, userdata, flags, reason, properties):
        if not reason.is_failure and on_connect is not None:
            on_connect(c)  # first, so what it publishes is on its way when connect() returns
        if not answered.is_set():
            result.append(reason)
            answered.set()

    def disconnected(c, userdata, flags, reason, properties):
        if not answered.is_set():
            result.append(reason)
            answered.set()
        if not reconnect:
            c.disconnect()  # stays down: no background reconnects for a host link
        if on_disconnect is not None:
            on_disconnect(c, reason)

    client.on_connect = connected
    client.on_disconnect = disconnected
    if on_message is not None:
        client.on_message = on_message
    where = address.shown()
    try:
        client.connect(address.host, address.port, keepalive)
    except ssl.SSLError as exc:
        raise BrokerUnreachable(f"TLS with the MQTT broker {where} failed ({exc.reason or exc}); check the "
                                "CA certificate (?ca=PATH) and that the port is the broker's TLS listener") from None
    except (TimeoutError, OSError) as exc:
        raise BrokerUnreachable(f"could not reach the MQTT broker {where} ({exc.strerror or exc}); check that the "
                                "broker runs, the host name and port, and the network or firewall") from None
    client.loop_start()
    if not answered.wait(timeout) or not result:
        _stop(client)
        raise BrokerUnreachable(f"the MQTT broker {where} did not answer within {timeout:g} s; check the "
                                "address, and for mqtts:// that the port is the broker's TLS listener")
    reason = result[0]
    if reason.is_failure or getattr(reason, "value", 0) != 0:
        _stop(client)
        if getattr(reason, "value", 0) in (4, 5, 134, 135):
            raise BrokerAuthError(f"the MQTT broker {where} refused the login ({reason}); check the user name "
                                  "and password (mqtt://USER:PASSWORD@HOST/..., or $KITBRIDGE_MQTT_USER and "
                                  "$KITBRIDGE_MQTT_PASSWORD), and the broker's password file")
        raise BrokerUnreachable(f"the MQTT broker {where} refused the connection ({reason}); check the broker's log")
    return client


def may_send(address: BrokerAddress, topic_name: str, timeout: float = 5.0) -> bool:
    """False if the broker's ACL forbids this account to publish on `topic_name`.

    MQTT 3.1.1 gives no sign (the broker drops a forbidden message; Mosquitto even grants a
    forbidden subscription), so this asks over MQTT 5, whose PUBACK says "not authorized", with
    an empty message (a board reads it as nothing). True when the broker cannot tell."""
    answered = threading.Event()
    reasons: list = []

    def published(client, userdata, mid, reason, properties) -> None:
        reasons.append(reason)
        answered.set()

    try:
        client = connect(address, timeout=timeout, mqtt5=True)
    except BoardNotFound as exc:  # a broker without MQTT 5
        log.debug("no MQTT 5 on %s (%s): cannot check the ACL", address.shown(), exc)
        return True
    try:
        client.on_publish = published
        client.publish(topic_name, b"", qos=1)
        if not answered.wait(timeout):
            return True
    finally:
        stop(client)
    return getattr(reasons[0], "value", 0) not in (0x87, 0x97)  # not authorized, quota exceeded


def _stop(client) -> None:
    client.disconnect()
    client.loop_stop()


def stop(client) -> None:
    """Disconnect cleanly (a board's last will is not sent) and end the network thread."""
    try:
        _stop(client)
    except (OSError, RuntimeError, ValueError) as exc:  # closing is best effort
        log.debug("closing an MQTT client: %s", exc)


class Fence:
    """Tells when the retained messages of a subscription have all arrived: the broker sends them
    before a message published after its SUBACK on the same connection."""

    def __init__(self, client, where: str = "the MQTT broker") -> None:
        self.topic = f"kitbridge/_fence/{uuid.uuid4().hex}"
        self.done = threading.Event()
        self._client = client
        self._where = where

    def matches(self, message_topic: str) -> bool:
        if message_topic == self.topic:
            self.done.set()
            return True
        return False

    def wait(self, subscriptions: list[str], timeout: float) -> bool:
        """Subscribe to `subscriptions`, then wait until their retained messages are in (False: timeout).

        BrokerDenied when the broker refuses a subscription (its ACL)."""
        subscribed = threading.Event()
        granted: list = []

        def on_subscribe(client, userdata, mid, reasons, properties=None) -> None:
            granted.extend(reasons)
            subscribed.set()

        self._client.on_subscribe = on_subscribe
        self._client.subscribe([(t, 0) for t in subscriptions] + [(self.topic, 0)])
        if not subscribed.wait(timeout):
            return False
        refused = [t for t, reason in zip(subscriptions + [self.topic], granted) if reason.is_failure]
        if refused:
            raise BrokerDenied(f"{self._where} does not let this account read {', '.join(refused)} (the broker's "
                               "ACL); use the account for that board, or ask the teacher to check the acl_file")
        self._client.publish(self.topic, b"", qos=0)
        return self.done.wait(timeout)
