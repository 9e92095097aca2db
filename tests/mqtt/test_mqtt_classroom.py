"""A classroom on one real Mosquitto: ten simulated boards, two host processes, a board that dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kitbridge import Board
from kitbridge.link.mqtt_broker import PASSWORD_ENV, USER_ENV, parse_broker
from kitbridge.mqtt_directory import boards_on_broker
from kitbridge.sim.mqtt_bridge import SimBridge

HOST_DIR = Path(__file__).resolve().parents[2] / "host"
ROUNDS = 50
BROKER_CHECK = 5.0  # seconds between Mosquitto 2.0's keep-alive checks (measured: 4.5-5 s)


def env_for(broker) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(HOST_DIR), os.environ.get("PYTHONPATH", "")]),
                **{USER_ENV: broker.user, PASSWORD_ENV: broker.password})


def test_ten_boards_two_host_processes_each_answer_is_from_the_right_board(broker):
    address = parse_broker(f"127.0.0.1:{broker.port}", user=broker.user, password=broker.password)
    bridges = [SimBridge(address, board_id=f"desk-{i}", label=f"Desk {i}") for i in range(10)]
    try:
        for bridge in bridges:
            bridge.start()
        pairs = [f"{b.board_id}={b.sim._uid.hex()}" for b in bridges]
        url = f"mqtt://127.0.0.1:{broker.port}"  # credentials from the environment
        hosts = [subprocess.Popen([sys.executable, str(Path(__file__).parent / "drive_boards.py"), url, str(ROUNDS),
                                   *half], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env_for(broker))
                 for half in (pairs[:5], pairs[5:])]
        results = {}
        for host in hosts:
            out, err = host.communicate(timeout=120)
            assert host.returncode == 0, err
            results.update(json.loads(out))
    finally:
        for bridge in bridges:
            bridge.stop()
    assert sorted(results) == sorted(b.board_id for b in bridges)
    for board_id, result in results.items():
        assert result.get("right") == ROUNDS and result.get("wrong") == 0, (board_id, result)
    assert broker.password not in json.dumps(results)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "frozen"])
def test_a_board_whose_process_dies_goes_offline_by_its_last_will(broker, how):
    # killed: the socket closes, the broker sends the will at once; frozen (SIGSTOP): the socket
    # stays open, as when a board loses power or Wi-Fi, and only the keep-alive can tell
    keepalive = 2
    board_proc = subprocess.Popen([sys.executable, "-m", "kitbridge", "sim", "--broker", f"127.0.0.1:{broker.port}",
                                   "--board-id", "doomed", "--keepalive", str(keepalive)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(broker))
    try:
        first = board_proc.stdout.readline()  # printed once the board's hello is on the broker
        assert first.startswith("doomed on "), board_proc.stderr.read() if not first else first
        address = parse_broker(f"127.0.0.1:{broker.port}", user=broker.user, password=broker.password)
        with Board(broker.board_url("doomed"), deadman=None) as board:
            assert board.request("ping").isdigit()
            board_proc.send_signal(how)
            killed = time.monotonic()
            assert board._client.lost_event.wait(3 * keepalive + BROKER_CHECK + 2), "the host never heard the last will"
            took = time.monotonic() - killed
        # the broker drops a silent client after 1.5 keep-alives; Mosquitto 2.0 looks every ~5 s
        assert took <= 1.5 * keepalive + BROKER_CHECK + 1.0, f"offline only after {took:.1f} s"
        seen = {b.board_id: b.online for b in boards_on_broker(address)}
        assert seen == {"doomed": False}
    finally:
        board_proc.kill()
        board_proc.wait(5)
        board_proc.stdout.close()
        board_proc.stderr.close()
