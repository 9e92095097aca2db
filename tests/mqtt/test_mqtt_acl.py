"""The classroom ACL of docs/classroom-wifi.md, in a real Mosquitto: boards running their own firmware
(kb_net.py) join under desk accounts, and a desk account reaches its own board and no other."""

from __future__ import annotations

import threading

import pytest
from broker_proc import DESKS, HelloWatch
from kitbridge import Board
from kitbridge.cli import main
from kitbridge.link.mqtt_broker import PASSWORD_ENV, USER_ENV, BrokerDenied, connect, hello_payload, stop
from kitbridge.mqtt_directory import boards_on_broker
from wifi_boards import address, net_of, wifi_board


def desk_board(broker, desk: str, board_id: str | None = None):
    return wifi_board(broker, board_id or desk, user=desk, broker_password=DESKS[desk])


def desk_url(broker, desk: str, board: str) -> str:
    return f"mqtt://{desk}:{DESKS[desk]}@127.0.0.1:{broker.port}/{board}"


@pytest.fixture
def two_desks(acl_broker):
    with HelloWatch(address(acl_broker)) as watch, desk_board(acl_broker, "desk-07") as b7, \
            desk_board(acl_broker, "desk-08") as b8:
        assert watch.wait("desk-07", True, 10) and watch.wait("desk-08", True, 10), \
            "a board could not announce itself under its desk account"
        yield acl_broker, b7, b8


def test_a_desk_account_drives_its_own_board(two_desks):
    broker, b7, _ = two_desks
    with Board(desk_url(broker, "desk-07", "desk-07"), deadman=None) as board:
        assert board.uid == b7._uid.hex()
        board.pin(1).write_digital(1)
        assert b7.world.wait_for(lambda: b7.world.value("pin 1") == 1, 2)


def test_a_desk_account_cannot_open_another_desks_board(two_desks):
    broker, _, _ = two_desks
    with pytest.raises(BrokerDenied, match="does not let this account send to board desk-08"):
        Board(desk_url(broker, "desk-07", "desk-08"))


def test_a_desk_account_cannot_publish_to_another_desks_down_topic(two_desks):
    broker, _, b8 = two_desks
    down = "kitbridge/desk-08/down"
    arrived: list[bytes] = []
    marker = threading.Event()

    def on_message(client, userdata, message) -> None:
        arrived.append(message.payload)
        if message.payload == b"ping\n":
            marker.set()

    watcher = connect(address(broker), on_message=on_message)
    student = connect(address(broker, "desk-07", DESKS["desk-07"]))
    try:
        subscribed = threading.Event()
        watcher.on_subscribe = lambda *a: subscribed.set()
        watcher.subscribe(down)
        assert subscribed.wait(5)
        # QoS 1: once it is acknowledged the broker has dealt with it, before the teacher's line below
        student.publish(down, b"pin 1 write 1\n", qos=1).wait_for_publish(5)
        student.publish("kitbridge/desk-08/hello", hello_payload(False, "mpython", "fake"), qos=1,
                        retain=True).wait_for_publish(5)
        watcher.publish(down, b"ping\n", qos=1).wait_for_publish(5)
        assert marker.wait(5), "the teacher's line did not arrive"
    finally:
        stop(student)
        stop(watcher)
    assert arrived == [b"ping\n"], "the desk-07 account reached desk-08's down topic"
    assert b8.world.value("pin 1") in (None, 0)
    assert {b.board_id: b.online for b in boards_on_broker(address(broker))} == {"desk-07": True, "desk-08": True}


def test_a_board_under_another_desks_account_is_never_seen(acl_broker):
    # desk-07's password on a board that calls itself desk-08: Mosquitto lets it connect and
    # subscribe, but drops its hello (and would drop its answers): nobody sees a desk-08
    with HelloWatch(address(acl_broker)) as watch, desk_board(acl_broker, "desk-07", "desk-08") as sim:
        assert sim.world.wait_for(lambda: net_of(sim).c is not None, 10), "the board never joined the broker"
        # its hello reached the broker's socket before join() returned, so before the teacher even
        # connects: Mosquitto handles it no later than the teacher's CONNECT, before the teacher's hello
        teacher = connect(address(acl_broker))
        try:
            teacher.publish("kitbridge/marker/hello", hello_payload(True, "mpython", "m"), qos=1).wait_for_publish(5)
        finally:
            stop(teacher)
        assert watch.wait("marker", True, 5)
        assert [b for b, _ in watch.seen] == ["marker"]
        assert sim.firmware_error is None


def test_kitbridge_list_as_a_desk_account_shows_the_room(two_desks, capsys, monkeypatch):
    broker, _, _ = two_desks
    monkeypatch.setenv(USER_ENV, "desk-07")
    monkeypatch.setenv(PASSWORD_ENV, DESKS["desk-07"])
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["list", "--broker", f"127.0.0.1:{broker.port}"]) == 0
    out = capsys.readouterr().out
    assert "desk-07" in out and "desk-08" in out and "2 online, 0 offline" in out
    assert DESKS["desk-07"] not in out
