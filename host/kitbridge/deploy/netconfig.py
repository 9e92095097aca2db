"""Wi-Fi and broker settings for boards with Wi-Fi: the kb_net.json that firmware/kb_net.py reads.

    net = wifi_settings("classroom", broker="school-pi:1883", board_user="desk-7", board_id="desk-7",
                        environ=os.environ)        # passwords from $KITBRIDGE_WIFI_PASSWORD, ...
    deploy(repl, spec, extra=net.files())

The passwords never leave NetSettings except into the file itself: repr() hides them, shown() and
messages leave them out, and scrub() takes them out of any text (an error from the board) before
it is shown. The same settings give the same bytes, so an unchanged file is not sent again (the
deploy manifest compares hashes). A board's kind, label and firmware version are not in the file:
kb_net takes them from kb_board.py and kb_agent.py, which deploy and `kitbridge label` keep current.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..boards import BoardSpec, board_kinds, load_board
from ..errors import DeployError
from ..link.mqtt_broker import BrokerAddress, check_board_id, parse_broker
from .files import deploy_files

NET_FILE = "kb_net.json"
NET_MODULE = "kb_net.py"  # deploy puts it only on boards with Wi-Fi (deploy/files.py)
WIFI_PASSWORD_ENV = "KITBRIDGE_WIFI_PASSWORD"
BROKER_PASSWORD_ENV = "KITBRIDGE_BROKER_PASSWORD"
DEFAULT_KEEPALIVE = 30  # seconds: the broker marks a silent board offline after about 1.5 of these
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class NetSettings:
    """What a board needs to join the classroom's Wi-Fi and MQTT broker."""

    ssid: str
    wifi_password: str = field(repr=False)
    broker: BrokerAddress  # its user and password are the board's own broker account
    board_id: str | None = None  # None: the board's unique id
    keepalive: int = DEFAULT_KEEPALIVE

    def file_text(self) -> bytes:
        """kb_net.json: keys sorted, no spaces, so the same settings are the same bytes."""
        cfg: dict[str, object] = {"ssid": self.ssid, "password": self.wifi_password, "broker": self.broker.host,
                                  "port": self.broker.port, "user": self.broker.user or "",
                                  "broker_password": self.broker.password or "", "keepalive": self.keepalive}
        if self.board_id:
            cfg["id"] = self.board_id
        if self.broker.tls:
            cfg["tls"] = True
        return json.dumps(cfg, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def files(self) -> dict[str, bytes]:
        """The extra files deploy writes beside the firmware."""
        return {NET_FILE: self.file_text()}

    def shown(self) -> str:
        """Where the board will go, without a password: "Wi-Fi 'lab', broker mqtt://desk-7@pi:1883"."""
        return f"Wi-Fi {self.ssid!r}, broker {self.broker.shown()}"

    def scrub(self, text: str) -> str:
        """`text` with every password in it (plain, or escaped as in the file or in Python) made ***."""
        for secret in (self.wifi_password, self.broker.password or ""):
            if len(secret) < 3:  # too short to tell from ordinary text, and no secret anyway
                continue
            for form in {secret, json.dumps(secret, ensure_ascii=False)[1:-1], repr(secret)[1:-1],
                         json.dumps(secret)[1:-1]}:
                text = text.replace(form, "***")
        return text

    @property
    def loopback(self) -> bool:
        """True if the broker address names the board itself (right only for a simulated board)."""
        return self.broker.host.lower() in LOOPBACK or self.broker.host.startswith("127.")


def wifi_settings(ssid: str, *, broker: str | None, wifi_password: str | None = None, board_user: str | None = None,
                  board_password: str | None = None, tls: bool = False, board_id: str | None = None,
                  keepalive: int = DEFAULT_KEEPALIVE, environ: Mapping[str, str] | None = None) -> NetSettings:
    """Checked settings; a password not given comes from $KITBRIDGE_WIFI_PASSWORD / $KITBRIDGE_BROKER_PASSWORD
    (which keeps it out of the process list). ValueError saying what is missing or wrong."""
    environ = os.environ if environ is None else environ
    if not broker:
        raise ValueError("--wifi needs --broker HOST[:PORT]: the MQTT broker the board joins on that network")
    if "://" in broker:
        raise ValueError("give --broker as HOST or HOST:PORT; --tls turns on TLS, and --broker-user and "
                         "--broker-password (or $KITBRIDGE_BROKER_PASSWORD) give the board's login")
    if not ssid or len(ssid.encode("utf-8")) > 32 or not ssid.isprintable():
        raise ValueError("--wifi takes the network's name (SSID): 1 to 32 bytes of printable text")
    if wifi_password is None:
        wifi_password = environ.get(WIFI_PASSWORD_ENV)
    if wifi_password is None:
        raise ValueError(f"give the Wi-Fi password: set ${WIFI_PASSWORD_ENV} (it stays out of the process "
                         "list), or --password; --password '' for an open network")
    if wifi_password and not 8 <= len(wifi_password) <= 64:
        raise ValueError("a WPA Wi-Fi password is 8 to 63 characters (or 64 hex digits); check it")
    if board_password is not None and not board_user:
        raise ValueError("a broker password needs --broker-user: the board's account on the broker")
    if board_user and board_password is None:
        board_password = environ.get(BROKER_PASSWORD_ENV)
    if board_user and board_password is None:
        raise ValueError(f"give the password of the broker account {board_user!r}: set ${BROKER_PASSWORD_ENV} "
                         "(it stays out of the process list), or --broker-password")
    if board_id is not None:
        check_board_id(board_id)
    if not 2 <= keepalive <= 3600:
        raise ValueError(f"--keepalive is 2 to 3600 seconds, not {keepalive}")
    address = parse_broker(broker, user=board_user or "", password=board_password or "", tls=tls)
    address = BrokerAddress(address.host, address.port, address.tls, address.user or None, address.password or None)
    return NetSettings(ssid, wifi_password, address, board_id, keepalive)


def wifi_kinds() -> list[str]:
    """The board kinds that get the Wi-Fi link (kb_net.py) when deployed."""
    return [kind for kind in board_kinds() if has_wifi(load_board(kind))]


def has_wifi(spec: BoardSpec) -> bool:
    return NET_MODULE in deploy_files(spec)


def check_wifi(spec: BoardSpec) -> None:
    """DeployError naming the boards that have Wi-Fi, if this one has none."""
    if not has_wifi(spec):
        others = ", ".join(f"{kind} ({load_board(kind).name})" for kind in wifi_kinds())
        raise DeployError(f"the {spec.name} ({spec.kind}) has no Wi-Fi, so it cannot join a broker; "
                          f"--wifi works on: {others}. Use it over USB instead")
