"""The board's own MQTT code end to end: a simulated ESP32 runs firmware/kb_net.py (started by its boot
hook from kb_net.json in its flash) with micropython-lib's real umqtt.simple, against a real Mosquitto,
and the host drives it with Board("mqtt://...") as any board on the broker."""

from __future__ import annotations

import threading

from broker_proc import HelloWatch
from kitbridge import Board
from wifi_boards import address, net_of, wifi_board

BROKER_CHECK = 5.0  # seconds between Mosquitto 2.0's keep-alive checks (see test_mqtt_classroom.py)


def test_a_simulated_esp32_serves_the_broker_with_its_own_firmware(broker):
    sim = wifi_board(broker, "fw-1")
    with HelloWatch(address(broker)) as watch:
        with sim:
            hello = watch.wait("fw-1", True, 10)
            assert hello is not None, "the board never announced itself on the broker"
            assert (hello["kind"], hello["uid"]) == ("mpython", sim._uid.hex())
            assert sim.world.value("wifi") == "classroom"
            with Board(broker.board_url("fw-1"), deadman=None) as board:
                assert board.kind == "mpython" and board.uid == sim._uid.hex()
                board.pin(1).write_digital(1)
                assert sim.world.wait_for(lambda: sim.world.value("pin 1") == 1, 2), sim.world.log[-5:]
                pressed = threading.Event()
                board.button_a.when_pressed = pressed.set
                sim.world.press("a")
                assert pressed.wait(3), "the button event did not come over the broker"
                assert board.request("ping").isdigit()
        # switched off: no DISCONNECT, so only the keep-alive tells the broker, which sends the will
        gone = watch.wait("fw-1", False, 1.5 * 2 + BROKER_CHECK + 2)
    assert gone is not None, "the last will never marked the board offline"
    assert sim.firmware_error is None


def test_the_board_obeys_only_its_own_down_topic(broker):
    with HelloWatch(address(broker)) as watch, wifi_board(broker, "fw-2") as sim:
        assert watch.wait("fw-2", True, 10)
        with Board(broker.board_url("fw-2"), deadman=None) as board:
            board.link._client.publish("kitbridge/fw-other/down", b"pin 1 write 1\n").wait_for_publish(2)
            assert board.request("ping").isdigit()  # the broker delivered in order: the stray line is past
        assert sim.world.value("pin 1") in (None, 0)


def test_a_refused_login_leaves_the_board_serving_and_retrying(broker):
    sim = wifi_board(broker, "fw-3", broker_password="wrong")
    with sim:
        tries: list[int] = []

        def tried_twice() -> bool:
            net = net_of(sim)
            if not tries or tries[-1] != net.tried:
                tries.append(net.tried)
            return len(tries) >= 3

        # each try is umqtt's MQTTException from a real CONNACK (not an OSError); the board goes on
        assert sim.world.wait_for(tried_twice, 15), "the board did not retry the broker"
        assert net_of(sim).c is None
        assert sim.state == "running" and sim.firmware_error is None


def test_tls_with_umqtt_simples_ssl_flag(tls_broker):
    with HelloWatch(address(tls_broker)) as watch, wifi_board(tls_broker, "fw-tls", tls=True):
        assert watch.wait("fw-tls", True, 10)
        with Board(tls_broker.board_url("fw-tls"), deadman=None) as board:
            assert board.request("ping").isdigit()


def test_each_answer_leaves_the_board_in_one_tcp_write(broker):
    # umqtt.simple writes a message in four pieces; by TCP's Nagle rule all but the first would wait
    # for the broker's delayed ACK (measured: 44 ms a request instead of 1.3 ms); kb_net gathers them
    with HelloWatch(address(broker)) as watch, wifi_board(broker, "fw-5", keepalive=60) as sim:
        assert watch.wait("fw-5", True, 10)
        with Board(broker.board_url("fw-5"), deadman=None) as board:
            sock = net_of(sim).c.sock.s  # the board's socket, under kb_net's Out
            sizes: list[int] = []
            write = sock.write
            sock.write = lambda data, n=None: (sizes.append(len(data)), write(data, n))[1]
            for _ in range(5):
                assert board.request("ping").isdigit()
            assert len(sizes) == 5, sizes  # one write per answer (closing the Board sends more)
