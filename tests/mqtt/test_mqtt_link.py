"""Board over a real Mosquitto: the same API as over serial, typed errors, TLS, no password in logs."""

from __future__ import annotations

import logging
import socket

import pytest
from broker_proc import PASSWORD, free_port
from kitbridge import Board
from kitbridge.errors import BoardNotFound, ConnectionLost
from kitbridge.link.mqtt_broker import BrokerAuthError, BrokerUnreachable, UnknownBoard, parse_broker, parse_url, redact
from kitbridge.mqtt_directory import boards_on_broker
from kitbridge.sim.mqtt_bridge import SimBridge


def address(broker, **kw):
    return parse_broker(f"127.0.0.1:{broker.port}", user=broker.user, password=broker.password,
                        tls=broker.tls, ca=str(broker.ca) if broker.ca else None, **kw)


def test_board_over_mqtt_has_the_serial_api(broker, caplog):
    caplog.set_level(logging.DEBUG)
    with SimBridge(address(broker), board_id="table-1", label="Table 1") as bridge:
        with Board(broker.board_url("table-1")) as board:
            assert board.kind == "mpython"
            assert board.uid == bridge.sim._uid.hex()
            board.led.on()
            assert bridge.sim.world.wait_for(lambda: board.request("led") == "1", 2)
            bridge.sim.world.press("a")
            assert board.button_a.is_pressed
            assert PASSWORD not in board.port
    assert PASSWORD not in caplog.text
    assert "teacher:***@" in caplog.text


def test_a_label_finds_the_board(broker):
    with SimBridge(address(broker), board_id="b7", label="Table 7") as bridge:
        with Board(broker.board_url("table 7")) as board:
            assert board.uid == bridge.sim._uid.hex()


def test_tls_with_a_throwaway_ca(tls_broker):
    with SimBridge(address(tls_broker), board_id="secure-1"), Board(tls_broker.board_url("secure-1")) as board:
        assert board.request("ping").isdigit()


def test_tls_without_the_ca_is_refused_with_a_hint(tls_broker):
    url = f"mqtts://teacher:{PASSWORD}@127.0.0.1:{tls_broker.port}/x?timeout=2"
    with pytest.raises(BrokerUnreachable, match="CA certificate"):
        Board(url)


def test_wrong_password_says_check_the_credentials(broker):
    with pytest.raises(BrokerAuthError, match="check the user name and password") as info:
        Board(f"mqtt://teacher:wrong@127.0.0.1:{broker.port}/any")
    assert "wrong" not in str(info.value)
    assert isinstance(info.value, BoardNotFound)


def test_unreachable_broker_says_check_the_broker():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(BrokerUnreachable, match="check that the broker runs"):
            Board(f"mqtt://127.0.0.1:{port}/any?timeout=2")


def test_unknown_board_id_names_the_boards_seen(broker):
    with SimBridge(address(broker), board_id="real-one"):
        with pytest.raises(UnknownBoard, match="boards seen: real-one"):
            Board(broker.board_url("no-such-board"))


def test_a_cleanly_stopped_board_is_offline_not_unknown(broker):
    with SimBridge(address(broker), board_id="gone"):
        pass
    with pytest.raises(BoardNotFound, match="offline") as info:
        Board(broker.board_url("gone"))
    assert not isinstance(info.value, UnknownBoard)


def test_the_directory_lists_boards_with_online_state(broker):
    with SimBridge(address(broker), board_id="b1", label="Table 1"):
        with SimBridge(address(broker), board_id="b2", label="Table 2"):
            pass
        seen = boards_on_broker(address(broker))
    assert [(b.board_id, b.online, b.label) for b in seen] == [("b1", True, "Table 1"), ("b2", False, "Table 2")]
    assert PASSWORD not in seen[0].port


def test_broker_restart_gives_connection_lost_then_reconnects(broker):
    with SimBridge(address(broker), board_id="r1") as bridge, Board(broker.board_url("r1"), deadman=None) as board:
        board.pin(1).write_digital(1)
        broker.restart()
        assert board._client.lost_event.wait(5), "the host did not notice the broker restart"
        with pytest.raises(ConnectionLost):
            board.request("ping")
        board.reconnect(timeout=10)
        assert board.request("ping").isdigit()
        assert bridge.connects >= 2


def test_urls_parse_and_redact():
    address, board, options = parse_url("mqtts://u:p%40ss@h.example/t7?ca=/x/ca.pem&timeout=3")
    assert (address.host, address.port, address.tls, address.user, address.password, address.ca) == \
        ("h.example", 8883, True, "u", "p@ss", "/x/ca.pem")
    assert (board, options) == ("t7", {"timeout": "3"})
    assert "p%40ss" not in redact("mqtts://u:p%40ss@h.example/t7") and "p@ss" not in repr(address)
    assert redact("/dev/ttyUSB0") == "/dev/ttyUSB0"
    assert parse_broker("h:1884").port == 1884 and parse_broker("h").port == 1883
    assert free_port() > 0
