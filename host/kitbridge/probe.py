"""Asking a port, briefly, what is on it: the kit agent's hello, a busy port, or silence.

Never hangs: the port is opened exclusively (a port another program holds is reported, not
shared) and the agent gets `timeout` seconds to answer. `list`, `doctor` and the `label:`
port scheme use it.
"""

from __future__ import annotations

import errno
import logging
import time
from dataclasses import dataclass, field

import serial

from . import labels, wire
from .errors import KitError
from .link.serial_link import SerialLink

logger = logging.getLogger(__name__)

_BUSY = {errno.EBUSY, errno.EAGAIN, errno.EWOULDBLOCK}
_DENIED = {errno.EACCES, errno.EPERM}


@dataclass
class Probe:
    """What one port said. state: kit (the agent answered), silent, busy, denied, missing or error."""

    port: str
    state: str
    hello: dict[str, str] = field(default_factory=dict)
    console: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def label(self) -> str:
        return labels.from_hello(self.hello)

    @property
    def firmware(self) -> str:
        return self.hello.get("fw", "")

    @property
    def kind(self) -> str:
        return self.hello.get("board", "")


def open_state(exc: BaseException) -> str:
    """busy, denied, missing or error, from the exception opening a port raised."""
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    number = getattr(cause, "errno", None)
    text = str(cause).lower()
    if number in _BUSY or "exclusively lock" in text or "busy" in text:
        return "busy"
    if number in _DENIED or "permission denied" in text or "access is denied" in text:
        return "denied"
    if number == errno.ENOENT or "no such file" in text:
        return "missing"
    return "error"


def probe(port: str, timeout: float = 1.0) -> Probe:
    """Open `port`, ask `hello`, and say what answered within `timeout` seconds."""
    try:
        link = SerialLink(port, pty=port.startswith("/dev/pts/"))
    except KitError as exc:
        return Probe(port, open_state(exc), detail=str(exc))
    try:
        return ask(link, port, timeout)
    except (KitError, serial.SerialException, OSError) as exc:
        return Probe(port, "error", detail=str(exc))
    finally:
        link.close()


def ask(link: SerialLink, port: str, timeout: float) -> Probe:
    """Ask `hello` on an open link; state kit with its words, or silent with what the port printed."""
    deadline = time.monotonic() + timeout
    console: list[str] = []
    buf = b""
    asked = 0.0
    while True:
        now = time.monotonic()
        if now >= deadline:
            return Probe(port, "silent", console=console, detail=f"no kit agent answered within {timeout:.1f} s")
        if now - asked > timeout / 2:  # a board just booting may miss the first hello
            link.write(b"\n" + wire.encode_request(1, "hello"))
            asked = now
        buf += link.read(min(0.05, deadline - now))
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            item = wire.classify(line)
            if isinstance(item, wire.Reply) and item.rid == 1:
                if not item.ok:
                    return Probe(port, "error", console=console, detail=f"hello refused: {item.code} {item.text}")
                info = dict(w.split("=", 1) for w in item.text.split() if "=" in w)
                return Probe(port, "kit", hello=info, console=console)
            if isinstance(item, wire.Console) and item.text.strip():
                console.append(item.text.strip())
