"""firmware/kb_net.py under CPython: a fake umqtt.simple and network, the real agent and a fake HAL."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest
from kitbridge import wire

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware"


class FakeMQTT:
    """umqtt.simple.MQTTClient's interface, recording what the firmware does."""

    made: list[FakeMQTT] = []  # noqa: RUF012 (every client made, newest last)
    refuse: BaseException | None = None  # what connect() raises

    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=False,
                 ssl_params=None):
        self.args = (client_id, server, port, user, password, keepalive)
        self.ssl = (ssl, ssl_params)
        self.published: list[tuple[str, bytes, bool, int]] = []
        self.inbox: list[tuple[bytes, bytes]] = []
        self.will = self.callback = None
        self.subscribed: list[str] = []
        self.pings = 0
        self.fail = False
        self.sock = types.SimpleNamespace(close=lambda: None)
        FakeMQTT.made.append(self)

    def set_last_will(self, topic, msg, retain=False, qos=0):
        self.will = (topic, msg, retain, qos)

    def set_callback(self, f):
        self.callback = f

    def connect(self):
        if FakeMQTT.refuse is not None:
            raise FakeMQTT.refuse

    def subscribe(self, topic):
        self.subscribed.append(topic)

    def publish(self, topic, msg, retain=False, qos=0):
        if self.fail:
            raise OSError(104)
        self.published.append((topic, bytes(msg, "ascii") if isinstance(msg, str) else msg, retain, qos))

    def check_msg(self):
        if self.fail:
            raise OSError(104)
        if self.inbox:
            self.callback(*self.inbox.pop(0))

    def ping(self):
        self.pings += 1

    def up(self) -> list[str]:
        return [m.decode() for t, m, _, _ in self.published if t.endswith("/up")]


class FakeWLAN:
    def __init__(self):
        self.on = False
        self.joined: tuple[str, str] | None = None

    def active(self, v):
        self.on = v

    def connect(self, ssid, pw):
        self.joined = (ssid, pw)

    def isconnected(self):
        return self.on and self.joined is not None and getattr(self, "link", False)


SETTINGS = {"ssid": "lab", "password": "wifi-pw", "broker": "10.0.0.2", "port": 1884, "user": "desk",
            "broker_password": "mq-pw", "id": "desk-3", "keepalive": 10}


@pytest.fixture
def kb_net(fw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # kind and label come from kb_board, as deploy writes it for an mPython board labelled "Desk 3"
    monkeypatch.setattr(fw.board, "KIND", "mpython")
    monkeypatch.setattr(fw.board, "DEV", "led,button_a label=Desk%203")
    wlan = FakeWLAN()
    monkeypatch.setitem(sys.modules, "network", types.SimpleNamespace(STA_IF=0, WLAN=lambda i: wlan))
    monkeypatch.setitem(sys.modules, "umqtt", types.ModuleType("umqtt"))
    monkeypatch.setitem(sys.modules, "umqtt.simple", types.SimpleNamespace(MQTTClient=FakeMQTT))
    FakeMQTT.made.clear()
    FakeMQTT.refuse = None
    spec = importlib.util.spec_from_file_location("kb_net", FIRMWARE / "kb_net.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.wlan = wlan
    return module


def started(kb_net, fw, **settings):
    Path("kb_net.json").write_text(json.dumps(dict(SETTINGS, **settings)))
    agent, hal = fw.agent()
    net = kb_net.start(agent, hal)
    kb_net.wlan.link = True
    net.poll()
    return net, agent, hal, FakeMQTT.made[-1]


def test_without_settings_there_is_no_network(kb_net, fw):
    agent, hal = fw.agent()
    assert kb_net.start(agent, hal) is None
    assert not FakeMQTT.made and kb_net.wlan.joined is None


def test_joins_wifi_then_the_broker_with_a_retained_hello_and_an_offline_will(kb_net, fw):
    _, _, hal, client = started(kb_net, fw)
    assert kb_net.wlan.joined == ("lab", "wifi-pw")
    assert client.args == (b"kb-board-desk-3", "10.0.0.2", 1884, b"desk", b"mq-pw", 10)
    topic, will, retain, qos = client.will
    assert (topic, json.loads(will)["online"], retain, qos) == ("kitbridge/desk-3/hello", False, True, 1)
    assert client.subscribed == ["kitbridge/desk-3/down"]
    hello = [(t, json.loads(m), r) for t, m, r, _ in client.published if t.endswith("/hello")]
    assert hello == [("kitbridge/desk-3/hello", {"online": True, "kind": "mpython", "uid": hal.uid,
                                                 "label": "Desk 3", "fw": fw.module.FW}, True)]


def test_waits_for_wifi_before_the_broker(kb_net, fw):
    Path("kb_net.json").write_text(json.dumps(SETTINGS))
    agent, hal = fw.agent()
    net = kb_net.start(agent, hal)
    net.poll()
    assert not FakeMQTT.made and net.c is None


def test_a_broker_request_is_answered_on_up_only_and_events_go_both_ways(kb_net, fw):
    net, agent, hal, client = started(kb_net, fw)
    client.inbox.append((b"kitbridge/desk-3/down", wire.encode_request(7, "ping")))
    net.poll()
    answer = wire.parse_line(client.up()[-1].rstrip("\n").encode())
    assert isinstance(answer, wire.Reply) and answer.rid == 7 and answer.ok
    assert hal.written == []  # nothing of it on the serial line
    agent.event("button a down")
    assert hal.lines()[-1].startswith("@!") and client.up()[-1].startswith("@!")


def test_only_its_own_down_topic_is_obeyed(kb_net, fw):
    net, _, hal, client = started(kb_net, fw)
    client.inbox.append((b"kitbridge/desk-4/down", wire.encode_request(1, "led", 1)))
    net.poll()
    assert client.up() == [] and ["led", 1] not in hal.calls


def test_a_lost_broker_is_retried_after_a_pause_and_serial_keeps_working(kb_net, fw):
    net, agent, hal, client = started(kb_net, fw)
    client.fail = True
    net.poll()
    assert net.c is None
    agent.feed(b"hello\n")
    assert hal.lines()[-1].startswith("ok proto=")
    net.poll()
    assert len(FakeMQTT.made) == 1  # not at once
    hal.ms += kb_net.RETRY
    net.poll()
    assert len(FakeMQTT.made) == 2 and net.c is FakeMQTT.made[-1]


def test_an_unreachable_broker_does_not_stop_the_board(kb_net, fw):
    FakeMQTT.refuse = OSError(113)
    net, agent, hal, _ = started(kb_net, fw)
    assert net.c is None
    agent.feed(b"hello\n")
    assert hal.lines()[-1].startswith("ok proto=")


def test_pings_the_broker_within_the_keepalive(kb_net, fw):
    net, _, hal, client = started(kb_net, fw, keepalive=10)
    hal.ms += 4000
    net.poll()
    assert client.pings == 0
    hal.ms += 2000
    net.poll()
    assert client.pings == 1


class MQTTException(Exception):
    """What umqtt.simple raises when the broker refuses the login (not an OSError)."""


def test_a_refused_login_does_not_stop_the_board_and_is_retried(kb_net, fw):
    FakeMQTT.refuse = MQTTException(5)
    net, agent, hal, client = started(kb_net, fw)
    assert net.c is None
    agent.feed(b"hello\n")
    assert hal.lines()[-1].startswith("ok proto=")
    FakeMQTT.refuse = None
    hal.ms += kb_net.RETRY
    net.poll()
    assert net.c is FakeMQTT.made[-1] and net.c is not client


def test_without_a_broker_user_there_is_no_login(kb_net, fw):
    _, _, _, client = started(kb_net, fw, user="", broker_password="")
    assert client.args[3:5] == (None, None)


def test_a_label_beyond_ascii_goes_out_as_utf8_bytes(kb_net, fw, monkeypatch):
    monkeypatch.setattr(fw.board, "DEV", "led label=%E6%A1%8C7")
    _, _, _, client = started(kb_net, fw)
    [(_, hello, _, _)] = [p for p in client.published if p[0].endswith("/hello")]
    assert isinstance(hello, bytes) and json.loads(hello)["label"] == "\u684c7"


def test_tls_uses_umqtt_simples_ssl_flag_with_the_broker_name(kb_net, fw):
    _, _, _, client = started(kb_net, fw, tls=True)
    assert client.ssl == (True, {"server_hostname": "10.0.0.2"})


def test_tls_with_umqtt_simple_1_4_passes_an_ssl_context(kb_net, fw, monkeypatch):
    class NewMQTT(FakeMQTT):  # umqtt.simple 1.4 on: ssl is an SSLContext, no ssl_params
        def __init__(self, *args, ssl=None):
            super().__init__(*args, ssl=ssl)

    class Context:
        def __init__(self, protocol):
            self.protocol, self.verify_mode = protocol, 2

    monkeypatch.setitem(sys.modules, "umqtt.simple", types.SimpleNamespace(MQTTClient=NewMQTT))
    monkeypatch.setitem(sys.modules, "ssl", types.SimpleNamespace(SSLContext=Context, PROTOCOL_TLS_CLIENT=16,
                                                                   CERT_NONE=0))
    _, _, _, client = started(kb_net, fw, tls=True)
    context, _ = client.ssl
    assert isinstance(context, Context) and (context.protocol, context.verify_mode) == (16, 0)
