"""`kitbridge deploy --wifi ... --broker ...` and `kitbridge list --broker` as a teacher runs them: the
board (a raw REPL in front of a simulated ESP32's flash) gets kb_net.json, joins a real Mosquitto at
its next boot, and no password shows in any output, log or file other than kb_net.json itself."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from broker_proc import HelloWatch
from kitbridge import Board
from kitbridge.cli import main
from kitbridge.deploy import netconfig
from kitbridge.link.mqtt_broker import PASSWORD_ENV, USER_ENV
from kitbridge.sim.mqtt_bridge import SimBridge
from repl_board import ReplBoard
from wifi_boards import address

WIFI_PASSWORD = "wifi-pw-7f3a\"q"  # a quote: it is escaped in the JSON, and must not show that way either


def secrets_forms(*secrets: str) -> list[str]:
    return [form for s in secrets for form in (s, json.dumps(s)[1:-1], repr(s)[1:-1])]


@pytest.fixture
def teacher_env(monkeypatch, broker):
    # everything from the environment, as the docs say: no password on the command line
    monkeypatch.setenv(netconfig.WIFI_PASSWORD_ENV, WIFI_PASSWORD)
    monkeypatch.setenv(netconfig.BROKER_PASSWORD_ENV, broker.password)
    monkeypatch.setenv(USER_ENV, broker.user)
    monkeypatch.setenv(PASSWORD_ENV, broker.password)
    monkeypatch.setenv("COLUMNS", "200")


def deploy_args(board: ReplBoard, broker, *extra: str) -> list[str]:
    return ["-vv", "deploy", "--port", board.port, "--wifi", "classroom", "--broker", f"127.0.0.1:{broker.port}",
            "--broker-user", broker.user, "--board-id", "desk-1", "--keepalive", "5", *extra]


def test_deploy_wifi_puts_the_board_on_the_broker_and_no_password_shows(broker, teacher_env, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    with ReplBoard("mpython") as board, HelloWatch(address(broker)) as watch:
        assert main(deploy_args(board, broker)) == 0
        out = capsys.readouterr()
        assert "kb_net.json" in out.out and "as board desk-1" in out.out
        assert watch.wait("desk-1", True, 10), "the deployed board did not join the broker"
        with Board(broker.board_url("desk-1"), deadman=None) as kit:
            assert kit.uid == board.sim._uid.hex()
        assert main(["list", "--broker", f"127.0.0.1:{broker.port}"]) == 0
        listed = capsys.readouterr().out
        assert "desk-1" in listed and "online" in listed and "1 online, 0 offline" in listed
        stored = json.loads(board.files["kb_net.json"])
        manifest = board.files["kb_manifest.txt"].decode()
    # the secrets did travel, into kb_net.json alone
    assert (stored["password"], stored["broker_password"], stored["id"]) == (WIFI_PASSWORD, broker.password, "desk-1")
    shown = "\n".join([out.out, out.err, listed, caplog.text, manifest, *(str(r.args) for r in caplog.records)])
    assert "kb_net.json" in manifest and "kb_net.py" in caplog.text  # the logs did cover the deploy
    for form in secrets_forms(WIFI_PASSWORD, broker.password):
        assert form not in shown, f"a password shows as {form!r}"


def test_unchanged_settings_are_not_sent_again_and_a_change_sends_only_the_settings(broker, teacher_env, capsys):
    with ReplBoard("mpython") as board:
        assert main(deploy_args(board, broker)) == 0
        capsys.readouterr()
        assert main(deploy_args(board, broker)) == 0
        assert "sent nothing (all files unchanged)" in capsys.readouterr().out
        assert main(deploy_args(board, broker, "--keepalive", "7")) == 0
        again = capsys.readouterr().out
        assert "sent kb_net.json, main.py;" in again  # main.py goes last whenever anything changed
        assert json.loads(board.files["kb_net.json"])["keepalive"] == 7
        assert main(["deploy", "--port", board.port]) == 0  # without --wifi: the settings stay
        assert "kb_net.json" in board.files


def test_wifi_on_a_microbit_is_refused_naming_the_boards_with_wifi(teacher_env, capsys):
    with ReplBoard("microbit-v1") as board:
        assert main(["deploy", "--port", board.port, "--wifi", "classroom", "--broker", "10.1.2.3"]) == 1
        out = capsys.readouterr().out
        assert "has no Wi-Fi" in out and "mpython" in out and "esp32-devkitc" in out
        assert board.files == {}  # refused before anything was written
    # named on the command line: refused before the port is even opened
    assert main(["deploy", "--port", "/dev/no-such-port", "--board", "microbit-v2", "--wifi", "classroom",
                 "--broker", "10.1.2.3"]) == 1
    err = capsys.readouterr().err
    assert "has no Wi-Fi" in err and "mpython" in err and "no-such-port" not in err


def test_a_missing_wifi_password_says_where_to_put_it(monkeypatch, capsys):
    monkeypatch.delenv(netconfig.WIFI_PASSWORD_ENV, raising=False)
    assert main(["deploy", "--port", "/dev/null", "--wifi", "classroom", "--broker", "10.1.2.3"]) == 1
    assert "$KITBRIDGE_WIFI_PASSWORD" in capsys.readouterr().err


def test_a_failed_deploy_shows_no_password(broker, teacher_env, capsys, monkeypatch):
    from kitbridge.cli import deploy as deploy_command
    from kitbridge.errors import DeployError

    def failing(repl, spec, **kwargs):  # an error whose text carries the file, escaped as the REPL gets it
        raise DeployError(f"writing kb_net.json failed: {kwargs['extra']['kb_net.json'].decode()!r}")

    monkeypatch.setattr(deploy_command, "deploy", failing)
    with ReplBoard("mpython") as board:
        assert main(deploy_args(board, broker)) == 1
    out = capsys.readouterr().out
    assert "deploy failed: writing kb_net.json failed" in out and "***" in out
    for form in secrets_forms(WIFI_PASSWORD, broker.password):
        assert form not in out


def test_settings_file_is_stable_and_checked():
    net = netconfig.wifi_settings("lab", broker="pi:1884", wifi_password="12345678", board_user="desk-1",
                                  board_password="pw-1", tls=True, board_id="desk-1", environ={})
    assert net.file_text() == netconfig.wifi_settings(
        "lab", broker="pi:1884", wifi_password="12345678", board_user="desk-1", board_password="pw-1", tls=True,
        board_id="desk-1", environ={}).file_text()
    assert json.loads(net.file_text()) == {"ssid": "lab", "password": "12345678", "broker": "pi", "port": 1884,
                                           "user": "desk-1", "broker_password": "pw-1", "keepalive": 30,
                                           "id": "desk-1", "tls": True}
    assert "12345678" not in repr(net) and "pw-1" not in repr(net) and "pw-1" not in net.shown()
    with pytest.raises(ValueError, match="8 to 63"):
        netconfig.wifi_settings("lab", broker="pi", wifi_password="short", environ={})
    with pytest.raises(ValueError, match="--broker-user"):
        netconfig.wifi_settings("lab", broker="pi", wifi_password="", board_password="x", environ={})
    assert netconfig.wifi_settings("lab", broker="pi", wifi_password="",
                                   environ={netconfig.BROKER_PASSWORD_ENV: "x"}).broker.password is None
    with pytest.raises(ValueError, match="HOST or HOST:PORT"):
        netconfig.wifi_settings("lab", broker="mqtt://u:p@pi", wifi_password="", environ={})
    env = {netconfig.WIFI_PASSWORD_ENV: "from-the-env", netconfig.BROKER_PASSWORD_ENV: "b-env"}
    net = netconfig.wifi_settings("lab", broker="pi", board_user="u", environ=env)
    assert (net.wifi_password, net.broker.password, net.broker.port, net.board_id) == ("from-the-env", "b-env",
                                                                                       1883, None)


def test_list_broker_shows_online_and_offline_boards(broker, teacher_env, capsys):
    with SimBridge(address(broker), board_id="b-on", label="Table 1"):
        with SimBridge(address(broker), board_id="b-off", label="Table 2"):
            pass
        assert main(["list", "--broker", f"127.0.0.1:{broker.port}"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 4}
    assert "online" in rows["b-on"] and "Table 1" in rows["b-on"]
    assert "offline" in rows["b-off"] and "Table 2" in rows["b-off"]
    assert "1 online, 1 offline" in out and broker.password not in out


def test_list_broker_errors_say_what_to_check(broker, teacher_env, capsys, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    assert main(["list", "--broker", f"127.0.0.1:{broker.port}"]) == 1
    err = capsys.readouterr().err
    assert "check the user name and password" in err and "wrong-password" not in err
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        assert main(["list", "--broker", f"127.0.0.1:{s.getsockname()[1]}", "--timeout", "2"]) == 1
    assert "check that the broker runs" in capsys.readouterr().err
    monkeypatch.setenv(PASSWORD_ENV, broker.password)
    assert main(["list", "--broker", f"127.0.0.1:{broker.port}"]) == 0
    assert "No board has announced itself" in capsys.readouterr().out


def test_several_boards_at_once_join_as_their_unique_ids(broker, teacher_env, capsys):
    with ReplBoard("mpython") as one, ReplBoard("esp32-devkitc") as two, HelloWatch(address(broker)) as watch:
        assert main(["deploy", "--port", one.port, "--port", two.port, "--wifi", "classroom", "--broker",
                     f"127.0.0.1:{broker.port}", "--broker-user", broker.user]) == 0
        out = capsys.readouterr().out
        for board in (one, two):
            uid = board.sim._uid.hex()
            assert f"on the broker as {uid}" in out
            assert "id" not in json.loads(board.files["kb_net.json"])  # the firmware uses its unique id
            hello = watch.wait(uid, True, 10)
            assert hello is not None and hello["kind"] == board.kind
        assert broker.password not in out and WIFI_PASSWORD not in out


def test_one_board_id_is_not_given_to_several_boards(teacher_env, capsys):
    assert main(["deploy", "--port", "/dev/a", "--port", "/dev/b", "--wifi", "classroom", "--broker", "10.1.2.3",
                 "--board-id", "desk-1"]) == 1
    assert "--board-id names one board" in capsys.readouterr().err
