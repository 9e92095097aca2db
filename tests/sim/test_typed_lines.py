"""Whatever a person types, the real firmware answers it with one ok/err line and keeps serving."""

from __future__ import annotations

import re
import sys

import pytest
import serial
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kitbridge.sim import SimBoard

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="these tests open the board's pty")

REPLY = re.compile(r"(@\d+ )?(ok|err)( .*)?")
# words that restart the board or arm the deadman would change the state under the next example
UNSAFE = re.compile(r"\b(reboot|deadman|reset)\b")


@pytest.fixture(scope="module")
def typed_board():
    sim = SimBoard("mpython", baud=0).start()
    assert sim.wait_serving()
    ser = serial.Serial(sim.port, 115200, timeout=2)
    yield sim, ser
    ser.close()
    sim.stop()


def read_reply(ser) -> str:
    while True:
        raw = ser.readline()
        assert raw.endswith(b"\n"), f"no complete reply line, got {raw!r}"
        text = raw.decode("ascii").rstrip("\n")
        if not text.startswith("@!"):  # events may come between replies
            return text


printable_line = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=100)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=printable_line)
def test_any_typed_line_gets_exactly_one_reply(typed_board, line):
    sim, ser = typed_board
    if UNSAFE.search(line):
        line = "ping"
    ser.write(line.encode("ascii") + b"\n")
    reply = read_reply(ser)
    assert REPLY.fullmatch(reply), f"{line!r} was answered with {reply!r}"
    assert all(32 <= ord(c) <= 126 for c in reply)
    ser.write(b"ping\n")  # and the board still answers the next line
    assert re.fullmatch(r"ok \d+", read_reply(ser))
    assert sim.state == "running" and sim.dropped == 0
