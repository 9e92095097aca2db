"""Finding a serial board again after its port vanished, by the uid its kit agent says in `hello`.

A USB board that is unplugged and plugged back in may come back under another name (/dev/ttyUSB1
instead of /dev/ttyUSB0, COM5 instead of COM3), and another board may get its old name. So the
old name is asked first, then every port that may hold a kit board (USB ids of a kit board, or a
simulated board's pty in this process), all at once; the one whose agent says this uid is kept
open. Ports are opened exclusively, so a port another program holds is skipped, never shared.
"""

from __future__ import annotations

import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import serial

from ..errors import BoardNotFound, KitError
from .serial_link import SerialLink, open_serial

log = logging.getLogger(__name__)

PROBE = 1.0  # seconds a port gets to answer hello (a board just plugged in may still be booting)
PAUSE = 0.2  # between rounds while the board is not back


def candidate_ports() -> list[str]:
    """Serial ports that may hold a kit board: known USB ids, and this process's simulated boards."""
    from ..discover import serial_ports

    ports = [p.device for p in serial_ports() if p.candidates]
    sim = sys.modules.get("kitbridge.sim.board")  # only a process running simulated boards has their ptys
    if sim is not None:
        ports += sim.plugged_ports()
    return ports


def open_if(port: str, uid: str, timeout: float, others: dict[str, str]) -> SerialLink | None:
    """`port`, open, if the board on it says `uid` within `timeout` s; else None (and the port closed).
    A port whose board says another uid is noted in `others`."""
    from ..probe import ask

    try:
        link = open_serial(port)
    except KitError as exc:
        log.debug("looking for a board on %s: %s", port, exc)
        return None
    try:
        found = ask(link, port, timeout)
    except (KitError, serial.SerialException, OSError) as exc:
        log.debug("looking for a board on %s: %s", port, exc)
        found = None
    if found is not None and found.state == "kit":
        if found.hello.get("uid") == uid:
            return link
        others[port] = found.hello.get("uid", "?")
    link.close()
    return None


def reopen_serial(name: str, uid: str, deadline: float) -> SerialLink:
    """The board with this uid, open: on port `name` or, if it came back under another name, there.
    Tries until time.monotonic() passes `deadline`; then BoardNotFound."""
    others: dict[str, str] = {}
    while True:
        left = deadline - time.monotonic()
        link = open_if(name, uid, min(PROBE, max(left, 0.05)), others)
        if link is not None:
            return link
        wait = min(PROBE, deadline - time.monotonic())
        ports = [p for p in candidate_ports() if p != name and p not in others]
        if ports and wait > 0:
            with ThreadPoolExecutor(max_workers=min(16, len(ports))) as pool:
                found = list(pool.map(lambda p, w=wait: open_if(p, uid, w, others), ports))
            links = [f for f in found if f is not None]
            for extra in links[1:]:  # two ports saying one uid cannot be; keep the first
                extra.close()
            if links:
                return links[0]
        if time.monotonic() + PAUSE >= deadline:
            seen = f" (other boards answered on {', '.join(sorted(others))})" if others else ""
            raise BoardNotFound(f"the board {uid} is not back on {name} or any other serial port{seen}; "
                                "plug it in again, then try board.reconnect() again")
        time.sleep(PAUSE)
