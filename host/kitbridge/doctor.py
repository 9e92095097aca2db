"""Checks for `kitbridge doctor`: what stops a board from working, each with its fix.

System: brltty and ModemManager (Linux), which grab USB serial ports. Port: permission (the
dialout group), another program holding it, USB ids of no known board kind. Board: the kit agent
answers (and its firmware is current and its kind known); else MicroPython answers Ctrl-C
(else it has none); a main.py that is not the kit's holds the line: it is renamed main_old.py
over the raw REPL (MicroPython 1.9.2 has no os.rename: copied, then removed), so the board
boots to its REPL and `kitbridge deploy` can work.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from . import discover
from .boards import board_kinds, load_board
from .deploy import deploy_files, firmware_version
from .errors import KitError
from .link.rawrepl import RawRepl
from .link.serial_link import SerialLink
from .probe import probe

logger = logging.getLogger(__name__)

SYSTEM_DIRS = ("/usr/sbin", "/sbin", "/usr/bin", "/bin")
HELLO_TIMEOUT = 1.5
_RENAME = ("f=open('main.py');d=f.read();f.close()\nf=open('main_old.py','w');f.write(d);f.close()\n"
           "os.remove('main.py')")


@dataclass
class Finding:
    ok: bool
    text: str
    fix: str = ""

    def line(self) -> str:
        return ("ok    " if self.ok else "FIX   ") + self.text + (f" -> {self.fix}" if self.fix else "")


def _installed(name: str) -> str | None:
    path = os.pathsep.join([os.environ.get("PATH", "")] + list(SYSTEM_DIRS))
    return shutil.which(name, path=path)


def system_checks() -> list[Finding]:
    """Programs on this computer that take USB serial ports away from kitbridge (Linux)."""
    if not sys.platform.startswith("linux"):
        return []
    found = []
    where = _installed("brltty")
    if where:
        found.append(Finding(False, f"brltty is installed ({where}): it takes CH340/CP210x ports as braille displays",
                             "sudo apt remove brltty (or sudo systemctl mask brltty-udev.service), then replug"))
    where = _installed("ModemManager")
    if where:
        found.append(Finding(False, f"ModemManager is installed ({where}): it probes new ttyACM ports for ~20 s",
                             "sudo systemctl disable --now ModemManager (or remove modemmanager)"))
    return found


def holders(port: str) -> list[str]:
    """'PID (program)' of the other processes that have `port` open (Linux /proc; own processes)."""
    try:
        target = os.path.realpath(port)
        pids = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
    except OSError:
        return []
    found = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == target for fd in fds):
                found.append(f"{pid} ({Path(f'/proc/{pid}/comm').read_text().strip()})")
        except OSError:
            continue
    return found


def port_checks(port: str) -> list[Finding]:
    found: list[Finding] = []
    if port.startswith("/dev/") and not os.path.exists(port):
        return [Finding(False, f"{port} does not exist", "plug the board in (a data cable); `kitbridge list` "
                        "shows the ports there are")]
    if port.startswith("/dev/") and not os.access(port, os.R_OK | os.W_OK):
        found.append(Finding(False, f"no permission to use {port}",
                             "sudo usermod -aG dialout $USER, then log out and back in"))
    info = next((p for p in discover.serial_ports() if p.device == port), None)
    if info is not None and info.vid is not None and not info.candidates:
        found.append(Finding(False, f"{port}'s USB id {info.usb_id} ({info.description}) is no board kind kitbridge "
                             "knows", f"name the kind with --board ({', '.join(board_kinds())}) or add boards/KIND.toml"))
    said = probe(port, HELLO_TIMEOUT)
    if said.state in ("busy", "denied"):
        who = holders(port)
        if said.state == "busy" or who:
            owner = f"by {', '.join(who)}" if who else "by another program"
            found.append(Finding(False, f"{port} is held {owner}", "close that program (Thonny, Arduino IDE, a "
                                 "serial monitor, another kitbridge) and try again"))
        elif not any("permission" in f.text for f in found):
            found.append(Finding(False, f"no permission to use {port}",
                                 "sudo usermod -aG dialout $USER, then log out and back in"))
        return found
    if said.state in ("missing", "error"):
        return found + [Finding(False, f"{port}: {said.detail}", "replug the board and try again")]
    who = holders(port)
    if who:
        found.append(Finding(False, f"{port} is also open in {', '.join(who)}: it may steal the board's replies",
                             "close that program"))
    if said.state == "kit":
        return found + _kit_checks(port, said.hello)
    return found + _board_checks(port)


def _kit_checks(port: str, hello: dict[str, str]) -> list[Finding]:
    kind, fw = hello.get("board", "?"), hello.get("fw", "?")
    if kind not in board_kinds():
        return [Finding(False, f"the board says it is a '{kind}', a kind this kitbridge does not know",
                        f"update kitbridge, or deploy the firmware for its real kind: kitbridge deploy --port {port} "
                        f"--board KIND ({', '.join(board_kinds())})")]
    current = firmware_version(deploy_files(load_board(kind)))
    if _version(fw) < _version(current):
        return [Finding(False, f"kit firmware {fw} on the {kind} is older than this kitbridge's {current}",
                        f"kitbridge deploy --port {port}")]
    label = f", label {hello['label']}" if hello.get("label") else ""
    return [Finding(True, f"kit firmware {fw} answers on the {kind}{label}")]


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return (0,)


def _board_checks(port: str) -> list[Finding]:
    """The agent did not answer: is it MicroPython, and what holds its line? Recovers a foreign main.py."""
    try:
        link = SerialLink(port, pty=port.startswith("/dev/pts/"))
    except KitError as exc:
        return [Finding(False, str(exc), "replug the board and try again")]
    repl = RawRepl(link.port_object, name=port)
    try:
        try:
            repl.interrupt(2.0)
        except KitError:
            return [Finding(False, f"no MicroPython answered Ctrl-C on {port}",
                            f"put MicroPython on it: kitbridge flash --port {port} (micro:bit: copy the .hex "
                            "onto its MICROBIT drive), then kitbridge deploy")]
        repl.enter(3.0, soft_reset=True)  # a restart in the raw REPL does not run main.py
        repl.exec("import os", 3.0)
        listing = repl.exec("print(os.listdir())", 3.0)
        if "'main.py'" in listing and "'kb_agent.py'" not in listing:
            repl.exec(_RENAME, 10.0)
            found = [Finding(False, f"a main.py that is not the kit's held {port}: renamed it main_old.py, so the "
                             "board starts at its REPL", f"kitbridge deploy --port {port}")]
        elif "'kb_agent.py'" in listing:
            found = [Finding(False, "the kit firmware is on the board but did not answer",
                             f"kitbridge deploy --port {port} --force")]
        else:
            found = [Finding(False, "MicroPython runs, but the kit firmware is missing",
                             f"kitbridge deploy --port {port}")]
        repl.leave(3.0)
        repl.soft_reboot(3.0)  # back to what the board runs at power-on
        return found
    except KitError as exc:
        return [Finding(False, f"MicroPython on {port} stopped answering: {exc}", "press reset and run doctor again")]
    finally:
        link.close()
