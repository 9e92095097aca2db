"""Teacher tools on a classroom of emulated micro:bits at once: parallel deploy, a board lost
mid-deploy, labels, `list`, and selecting a board by its label."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from kitbridge import discover, labels
from kitbridge.boards import load_board
from kitbridge.cli import deploy as deploy_cli
from kitbridge.cli import main
from kitbridge.discover import PortInfo
from kitbridge.link.qemu import QemuMicrobit
from kitbridge.probe import probe

BOARDS = 4
COLUMNS = ("port", "board kind", "label", "result", "seconds", "reason")


@pytest.fixture
def classroom(qemu_tools, monkeypatch) -> Iterator[list[QemuMicrobit]]:
    """Four fresh emulated micro:bits (MicroPython, no kit firmware), wide output for the tables."""
    monkeypatch.setenv("COLUMNS", "400")
    boards = []
    try:
        for _ in range(BOARDS):
            boards.append(QemuMicrobit().start())
        yield boards
    finally:
        for board in boards:
            board.stop()


def plug_in(monkeypatch, boards: list[QemuMicrobit]) -> None:
    """Make the emulators' ptys look like micro:bits on USB, as serial_ports() would list them."""
    spec = load_board("microbit-v1")
    ports = [PortInfo(b.pty, 0x0D28, 0x0204, f"qemu{i}", "BBC micro:bit CMSIS-DAP", (spec,))
             for i, b in enumerate(boards)]
    monkeypatch.setattr(discover, "serial_ports", lambda: list(ports))


def summary(out: str) -> dict[str, dict[str, str]]:
    """port -> {column: cell} from the summary table at the end of `out`."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("│┃").split("│")]
        if len(cells) == len(COLUMNS) and cells[0].startswith("/dev/"):
            rows[cells[0]] = dict(zip(COLUMNS, cells))
    return rows


def test_deploy_to_four_boards_at_once_and_again_unchanged(classroom, capsys, figure):
    ports = [b.pty for b in classroom]
    started = time.monotonic()
    assert main(["deploy", *[a for p in ports for a in ("--port", p)]]) == 0
    wall = time.monotonic() - started
    rows = summary(capsys.readouterr().out)
    assert sorted(rows) == sorted(ports)
    for row in rows.values():
        assert row["result"] == "ok" and row["board kind"] == "microbit-v1", row
        # the table shows tenths of a second: 1.96 s prints as 2.0
        assert row["reason"].startswith("sent ") and float(row["seconds"]) <= wall + 0.05
    figure(f"deploy to {BOARDS} fresh QEMU boards at once (wall)", f"{wall:.1f} s")

    started = time.monotonic()
    assert main(["deploy", *[a for p in ports for a in ("--port", p)]]) == 0
    again = time.monotonic() - started
    rows = summary(capsys.readouterr().out)
    assert all(r["result"] == "ok" and r["reason"] == "unchanged" for r in rows.values()), rows
    assert all(float(r["seconds"]) < 3 for r in rows.values()), rows
    figure(f"redeploy to {BOARDS} unchanged QEMU boards at once (wall)", f"{again:.1f} s")


def test_deploy_to_one_board_wall_time(board, capsys, figure):
    started = time.monotonic()
    assert main(["deploy", "--port", board.pty]) == 0
    figure("deploy to 1 fresh QEMU board (wall)", f"{time.monotonic() - started:.1f} s")
    assert "kit firmware 0.1.0 on microbit-v1" in capsys.readouterr().out


def test_a_board_lost_mid_deploy_fails_alone_and_the_rerun_fixes_it(classroom, capsys, monkeypatch):
    victim = classroom[1]
    real_deploy = deploy_cli.deploy

    def deploy_then_pull_the_cable(repl, spec, progress=None, **kw):
        if repl.name != victim.pty:
            return real_deploy(repl, spec, progress=progress, **kw)
        written = {}

        def cut(name, done, size):
            written[name] = done
            if sum(written.values()) > 200:  # inside the first file, even on the kit image (460 bytes)
                victim.stop()  # the emulator dies: its pty closes under the deploy
            progress(name, done, size)

        return real_deploy(repl, spec, progress=cut, **kw)

    monkeypatch.setattr(deploy_cli, "deploy", deploy_then_pull_the_cable)
    ports = [b.pty for b in classroom]
    assert main(["deploy", *[a for p in ports for a in ("--port", p)]]) == 1
    out = capsys.readouterr().out
    rows = summary(out)
    assert rows[victim.pty]["result"] == "FAILED", rows
    assert re.search(r"lost|stopped|did not answer", rows[victim.pty]["reason"]), rows[victim.pty]
    assert [p for p, r in rows.items() if r["result"] == "ok"] == [p for p in ports if p != victim.pty]
    assert f"3 of {BOARDS} boards ok, 1 failed" in out

    # A new emulator in its place, as a student plugs the board back in; the re-run completes.
    monkeypatch.setattr(deploy_cli, "deploy", real_deploy)
    classroom[1] = QemuMicrobit().start()
    ports = [b.pty for b in classroom]
    assert main(["deploy", *[a for p in ports for a in ("--port", p)]]) == 0
    rows = summary(capsys.readouterr().out)
    assert all(r["result"] == "ok" for r in rows.values()), rows
    assert rows[classroom[1].pty]["reason"].startswith("sent ")
    assert [r["reason"] for p, r in rows.items() if p != classroom[1].pty] == ["unchanged"] * (BOARDS - 1)


def test_label_list_and_select_by_label(classroom, capsys, monkeypatch, figure):
    plug_in(monkeypatch, classroom)
    ports = [b.pty for b in classroom]
    assert main(["deploy", "--all"]) == 0
    before = probe(ports[2])
    assert before.state == "kit" and before.label == "" and "label" not in before.hello
    capsys.readouterr()

    assert main(["label", "--port", ports[2], "Table 7"]) == 0
    assert "labelled 'Table 7'" in capsys.readouterr().out
    after = probe(ports[2])
    assert after.hello["label"] == "Table%207" and after.label == "Table 7"
    figure("micro:bit v1 free heap after start, unlabelled / labelled 'Table 7'",
           f"{before.hello['heap']} / {after.hello['heap']} bytes")

    assert main(["list"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if ports[2] in line]
    assert len(listed) == 1 and "Table 7" in listed[0] and "0.1.0" in listed[0] and "ready" in listed[0]

    # deploy keeps the label, and `label:` selects the board anywhere a port is taken
    assert main(["deploy", "--port", 'label:Table 7', "--force"]) == 0
    assert ports[2] in capsys.readouterr().out
    assert labels.from_hello(probe(ports[2]).hello) == "Table 7"
    assert main(["info", "--port", "label:Table%207"]) == 0
    assert "microbit-v1" in capsys.readouterr().out
    assert main(["deploy", "--port", "label:Table 9"]) == 1
    assert "no board is labelled 'Table 9'" in capsys.readouterr().out


# --- doctor and repl on a real MicroPython ------------------------------------------------------

def test_doctor_recovers_a_board_whose_main_py_holds_the_line(board, capsys):
    repl = board.repl
    repl.interrupt()
    repl.enter()
    repl.exec("f=open('main.py','w');f.write('from microbit import *\\nwhile True:\\n    sleep(10)\\n');f.close()")
    repl.leave()
    repl.soft_reboot()  # main.py loops now, and nothing answers hello
    assert main(["doctor", "--port", board.pty]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"FIX   a main.py that is not the kit's held {board.pty}: renamed it main_old.py, so the board "
                        f"starts at its REPL -> kitbridge deploy --port {board.pty}")
    repl.read_until(b">>> ", 5)  # it boots to the REPL now
    repl.enter()
    assert "'main_old.py'" in repl.exec("import os;print(os.listdir())") and "'main.py'" not in repl.exec(
        "print(os.listdir())")
    assert "sleep(10)" in repl.exec("print(open('main_old.py').read())")
    repl.leave()
    assert main(["doctor", "--port", board.pty]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"FIX   MicroPython runs, but the kit firmware is missing -> kitbridge deploy --port {board.pty}")
    assert main(["deploy", "--port", board.pty]) == 0
    assert main(["doctor", "--port", board.pty]) == 0
    assert "kit firmware 0.1.0 answers on the microbit-v1" in capsys.readouterr().out


def test_repl_command_stops_the_agent_runs_python_and_ctrl_bracket_leaves(kit_board):
    master, slave = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "host"))
    env.pop("KITBRIDGE_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "kitbridge", "repl", "--port", kit_board.pty], stdin=slave,
                            stdout=slave, stderr=subprocess.PIPE, env=env, close_fds=True)
    os.close(slave)
    seen = b""

    def expect(text: bytes, timeout: float = 10) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen:
            assert time.monotonic() < deadline, f"{text!r} not seen; the terminal showed {seen[-300:]!r}"
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 1024)

    try:
        expect(b"Ctrl-] leaves")
        expect(b">>> ")
        os.write(master, b"print(6*7)\r")
        expect(b"42\r\n>>> ")
        # the REPL has the whole heap, not what the stopped agent's modules left (~1.8 KB)
        os.write(master, b"import gc;gc.collect();print('free', gc.mem_free() > 8000)\r")
        expect(b"free True\r\n>>> ")
        os.write(master, b"\x1d")
        assert proc.wait(10) == 0
        assert proc.stderr.read() == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
        os.close(master)
    # the agent stays stopped until a soft reboot restarts it
    kit_board.repl.soft_reboot()
    assert probe(kit_board.pty, 3).state == "kit"
