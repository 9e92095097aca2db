"""Host side of the frame codec: requests out, replies, events and console lines in.

docs/protocol.md is the normative description; tests/vectors/protocol.json holds the
vectors that this codec and the firmware's (firmware/kb_agent.py) are both tested against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ProtocolError

PROTOCOL = 1
MAX_BOARD_LINE = 512  # longest line the host accepts from a board; longer is console noise
ERROR_CODES = {
    "E_FRAME": "the line is not a command (non-printable bytes or no words)",
    "E_CHECK": "the checksum did not match; the board did not run it",
    "E_LONG": "the line is longer than the board accepts",
    "E_VERB": "the board's firmware has no such command",
    "E_ARG": "a word of the command is missing or not understood",
    "E_PIN": "the pin does not exist on this board or cannot do that",
    "E_RANGE": "a value is outside the allowed range",
    "E_DEVICE": "the device did not respond (check its wiring)",
    "E_MEM": "the board ran out of memory",
    "E_INTERNAL": "the firmware failed unexpectedly",
}
# verbs every kit firmware has (firmware/kb_sys.py); the others come from drivers a board may lack
CORE_VERBS = frozenset({"hello", "ping", "deadman", "reset", "reboot", "pin", "led", "button"})
_ID = re.compile(r"[1-9][0-9]{0,3}\Z")
_SEQ = re.compile(r"[1-9][0-9]{0,4}\Z")
_TICKS = re.compile(r"(0|[1-9][0-9]{0,7})\Z")
_WORD = re.compile(r"[!-~]+\Z")


class FrameError(ProtocolError):
    """A line that looks like a frame but breaks the protocol's rules."""


@dataclass(frozen=True)
class Reply:
    rid: int
    ok: bool
    text: str  # words after "ok", or the message after the error code
    code: str | None = None  # the error code when not ok


@dataclass(frozen=True)
class Event:
    seq: int
    ticks: int
    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class Console:
    text: str


def checksum(text: str) -> str:
    """Fletcher-16 of printable-ASCII text, as four lowercase hex digits."""
    a = b = 0
    for ch in text.encode("ascii"):
        a = (a + ch) % 255
        b = (b + a) % 255
    return f"{b * 256 + a:04x}"


def quote(text: str) -> str:
    """One word for any text: %XX escapes for space, % and anything not printable ASCII."""
    out = []
    for byte in text.encode("utf-8"):
        if 0x21 <= byte <= 0x7E and byte != 0x25:
            out.append(chr(byte))
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def encode_request(rid: int, verb: str, *args: object) -> bytes:
    """The wire bytes of request `rid`; every argument must already be one printable word."""
    if not 1 <= rid <= 9999:
        raise ValueError(f"request id must be 1..9999, not {rid}")
    words = [str(rid), verb, *(str(a) for a in args)]
    for word in words:
        if not _WORD.match(word):
            raise ValueError(f"{word!r} is not one printable ASCII word; use wire.quote() for text")
    body = " ".join(words)
    return f"{body} *{checksum(body)}\n".encode("ascii")


def parse_line(line: bytes) -> Reply | Event | Console:
    """Classify one line from the board (without its newline).

    Anything that is not a well-formed frame with a good checksum is console output.
    A line with a good checksum whose fields break the rules raises FrameError.
    """
    text = line.rstrip(b"\r").decode("ascii", errors="replace")
    if not text.startswith("@") or len(text) < 8 or text[-6:-4] != " *":
        return Console(text)
    body, ck = text[:-6], text[-4:]
    if not body.isascii() or not body.isprintable() or checksum(body) != ck:
        return Console(text)
    words = body.split(" ")
    if body.startswith("@!"):
        return _event(words)
    return _reply(words)


def classify(line: bytes) -> Reply | Event | Console:
    """parse_line for readers that only wait for one frame: a broken frame is console text."""
    try:
        return parse_line(line)
    except FrameError:
        return Console(line.decode("ascii", "replace"))


def _reply(words: list[str]) -> Reply:
    rid = words[0][1:]
    if not _ID.match(rid) or len(words) < 2 or words[1] not in ("ok", "err"):
        raise FrameError(f"malformed reply frame: {' '.join(words)!r}")
    if words[1] == "ok":
        return Reply(int(rid), True, " ".join(words[2:]))
    if len(words) < 3 or words[2] not in ERROR_CODES:
        raise FrameError(f"error reply without a known code: {' '.join(words)!r}")
    return Reply(int(rid), False, " ".join(words[3:]), words[2])


def _event(words: list[str]) -> Event:
    seq = words[0][2:]
    if (len(words) < 3 or not _SEQ.match(seq) or int(seq) > 65535 or not _TICKS.match(words[1])
            or int(words[1]) >= 1 << 24 or not words[2]):
        raise FrameError(f"malformed event frame: {' '.join(words)!r}")
    return Event(int(seq), int(words[1]), words[2], tuple(words[3:]))


class LineSplitter:
    """Bytes in, complete lines out; a line past MAX_BOARD_LINE is cut and kept as console text."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._overlong = False

    def feed(self, data: bytes) -> list[bytes]:
        self._buf += data
        lines = []
        while True:
            end = self._buf.find(b"\n")
            if end < 0:
                break
            line = bytes(self._buf[:end])
            del self._buf[: end + 1]
            if self._overlong:
                self._overlong = False
                continue
            lines.append(line[:MAX_BOARD_LINE])  # a cut frame fails its checksum: console
        if len(self._buf) > MAX_BOARD_LINE:
            lines.append(bytes(self._buf[:MAX_BOARD_LINE]))
            self._buf.clear()
            self._overlong = True
        return lines
