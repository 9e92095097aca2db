"""The host codec (kitbridge.wire) against tests/vectors/protocol.json and arbitrary bytes.

The round-trip properties run the real firmware codec (firmware/kb_agent.py, the `fw`
fixture) on the other side, so the two codecs cannot drift apart unnoticed.
"""

from __future__ import annotations

import itertools
import json
import re
import signal
import string
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kitbridge import wire

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "protocol.json").read_text(encoding="utf-8"))
WORD = st.text(alphabet=[chr(c) for c in range(0x21, 0x7F)], min_size=1, max_size=8)
NAME = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10)
TEST_VERB = "probe"  # a verb no firmware has; the tests serve it with their own driver


def wire_bytes(line: str) -> bytes:
    return line.encode("latin-1")


def frame(body: str) -> bytes:
    return wire_bytes(f"{body} *{wire.checksum(body)}")


@contextmanager
def finishes_within(seconds: float):
    """Fail instead of hanging: SIGALRM interrupts a runaway loop (POSIX; elsewhere no guard)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, stack):
        raise AssertionError(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("vector", VECTORS["checksums"], ids=lambda v: repr(v["text"])[:30])
def test_checksum_vectors(vector):
    assert wire.checksum(vector["text"]) == vector["ck"]


@pytest.mark.parametrize("vector", VECTORS["requests"], ids=lambda v: v["line"])
def test_request_vectors_encode_exactly(vector):
    line = wire.encode_request(vector["id"], vector["verb"], *vector["args"])
    assert line == wire_bytes(vector["line"]) + b"\n"


@pytest.mark.parametrize("vector", VECTORS["replies"], ids=lambda v: v["line"][:40])
def test_reply_vectors_parse_to_their_fields(vector):
    expected = wire.Reply(vector["id"], vector["ok"], vector["text"], vector["code"])
    assert wire.parse_line(wire_bytes(vector["line"])) == expected


@pytest.mark.parametrize("vector", VECTORS["events"], ids=lambda v: v["line"])
def test_event_vectors_parse_to_their_fields(vector):
    expected = wire.Event(vector["seq"], vector["ticks"], vector["name"], tuple(vector["args"]))
    assert wire.parse_line(wire_bytes(vector["line"])) == expected


@pytest.mark.parametrize("line", VECTORS["console"], ids=repr)
def test_console_vectors_are_console(line):
    parsed = wire.parse_line(wire_bytes(line))
    assert isinstance(parsed, wire.Console)
    if line.isascii():
        assert parsed.text == line


@pytest.mark.parametrize("line", VECTORS["broken_frames"])
def test_broken_frame_vectors_raise_frame_error(line):
    with pytest.raises(wire.FrameError, match="malformed|error reply"):
        wire.parse_line(wire_bytes(line))


@pytest.mark.parametrize("exchange", VECTORS["exchanges"], ids=lambda v: v["name"])
def test_every_board_answer_in_the_vectors_reaches_the_host_as_meant(exchange):
    """A framed answer is the reply to the sender's id; a plain answer (typed line) is console."""
    words = exchange["send"].split()
    framed = exchange["send"][-6:-4] == " *" and words[0].isdigit()
    assert exchange["answer"], "every line gets an answer"
    for line in exchange["answer"]:
        parsed = wire.parse_line(wire_bytes(line))
        if line.startswith("@"):
            assert framed and len(line) <= wire.MAX_BOARD_LINE
            assert isinstance(parsed, wire.Reply) and parsed.rid == int(words[0])
            assert parsed.ok == (exchange["kind"] != "error")
            assert parsed.ok or parsed.code in wire.ERROR_CODES
        else:
            assert isinstance(parsed, wire.Console) and parsed.text == line
            assert line.startswith("ok") or line.split()[1] in wire.ERROR_CODES


def test_a_reply_ended_by_cr_lf_is_still_a_reply():
    # ESP32 ports may turn the board's \n into \r\n on the way out
    assert wire.parse_line(b"@7 ok *c872\r") == wire.Reply(7, True, "")


@pytest.mark.parametrize("rid, verb, args", [
    (0, "ping", ()), (10000, "ping", ()), (1, "pin", ("two words",)), (1, "", ()), (1, "pin", ("",)),
    (1, "led", ("\u00e9",)), (1, "pin", ("1\n",)), (1, "p\x03n", ()),
])
def test_encode_request_refuses_what_is_not_a_printable_word(rid, verb, args):
    with pytest.raises(ValueError, match="request id|printable ASCII word"):
        wire.encode_request(rid, verb, *args)


def test_quote_makes_any_text_one_printable_word():
    assert wire.quote("50% off, tschüss") == "50%25%20off,%20tsch%C3%BCss"
    line = wire.encode_request(3, "say", wire.quote("a b\n\x03"))
    assert line == frame("3 say a%20b%0A%03") + b"\n"


# --- both codecs: request, reply and event round trips ---------------------------------------


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rid=st.integers(1, 9999), args=st.lists(WORD, max_size=4))
def test_requests_encoded_by_the_host_are_parsed_by_the_firmware_as_sent(fw, rid, args):
    line = wire.encode_request(rid, TEST_VERB, *args)
    assume(len(line) - 1 <= fw.board.LINE)
    seen = []
    with fw.driver(TEST_VERB, lambda agent, verb, words: seen.append((verb, list(words)))):
        agent, hal = fw.agent()
        agent.feed(line)
    assert seen == [(TEST_VERB, args)]
    assert [wire.parse_line(wire_bytes(out)) for out in hal.lines()] == [wire.Reply(rid, True, "")]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rid=st.integers(1, 9999), ok=st.booleans(), code=st.sampled_from(sorted(wire.ERROR_CODES)),
       words=st.lists(WORD, max_size=40))
def test_replies_written_by_the_firmware_parse_to_the_same_fields(fw, rid, ok, code, words):
    text = " ".join(words)
    assume(ok or text)

    def run(agent, verb, args):
        if not ok:
            raise fw.module.Err(code, text)
        return text

    with fw.driver(TEST_VERB, run):
        agent, hal = fw.agent()
        agent.feed(wire.encode_request(rid, TEST_VERB))
    [line] = hal.lines()
    assert len(line) <= wire.MAX_BOARD_LINE
    assert wire.parse_line(wire_bytes(line)) == wire.Reply(rid, ok, text, None if ok else code)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.integers(1, 65535), ms=st.integers(0, 2**32), name=NAME, args=st.lists(WORD, max_size=6))
def test_events_written_by_the_firmware_parse_to_the_same_fields(fw, seq, ms, name, args):
    agent, hal = fw.agent(ms=ms)
    agent.seq = seq - 1
    agent.event(" ".join([name, *args]))
    [line] = hal.lines()
    assert wire.parse_line(wire_bytes(line)) == wire.Event(seq, ms % 2**24, name, tuple(args))


# --- arbitrary bytes from the board ----------------------------------------------------------


def _mangled(frame_bytes: bytes, cut: int, flip: int) -> list[bytes]:
    # the same frame truncated, with one byte changed, and with a checksum digit changed
    changed = bytearray(frame_bytes)
    changed[flip % len(changed)] ^= 0x01
    digits = bytearray(frame_bytes)
    digits[-1] = ord("0") if digits[-1] != ord("0") else ord("1")
    return [frame_bytes[: cut % len(frame_bytes)], bytes(changed), bytes(digits)]


GOOD_FRAMES = [wire_bytes(v["line"]) for v in VECTORS["replies"] + VECTORS["events"]]
NOISE = st.one_of(
    st.binary(max_size=80),
    st.binary(min_size=1, max_size=40).map(lambda b: bytes(x % 0x20 for x in b)),  # control bytes
    st.binary(min_size=1, max_size=40).map(lambda b: bytes(0x7F + x % 0x81 for x in b)),  # 0x7f-0xff
    st.integers(wire.MAX_BOARD_LINE - 2, 3 * wire.MAX_BOARD_LINE).map(lambda n: b"@" * n),  # overlong
    st.tuples(st.sampled_from(GOOD_FRAMES), st.integers(0, 200), st.integers(0, 200)).map(
        lambda t: b"\n".join(_mangled(*t))),
)
CHUNKS = st.lists(NOISE, max_size=12).map(b"".join).flatmap(
    lambda data: st.lists(st.integers(1, 700), max_size=8).map(lambda cuts: (data, cuts)))


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    pieces, start = [], 0
    for size in cuts:
        pieces.append(data[start:start + size])
        start += size
    return pieces + [data[start:]]


@given(CHUNKS)
def test_no_bytes_from_the_board_break_the_host(chunks):
    data, cuts = chunks
    splitter = wire.LineSplitter()
    parsed = []
    with finishes_within(5):
        for piece in _split(data, cuts) + [b"\n" + frame("@42 ok 7") + b"\n"]:
            for line in splitter.feed(piece):
                assert b"\n" not in line
                try:
                    parsed.append(wire.parse_line(line))
                except wire.FrameError:
                    parsed.append(None)
    assert parsed[-1] == wire.Reply(42, True, "7"), "a good frame after the noise is still understood"
    for item in parsed[:-1]:
        assert item is None or isinstance(item, (wire.Reply, wire.Event, wire.Console))


@given(st.binary(max_size=600))
def test_parse_line_alone_only_ever_raises_frame_error(line):
    try:
        parsed = wire.parse_line(line.replace(b"\n", b""))
    except wire.FrameError:
        return
    assert isinstance(parsed, (wire.Reply, wire.Event, wire.Console))


def test_an_overlong_board_line_is_cut_into_console_and_the_next_line_survives():
    splitter = wire.LineSplitter()
    lines = []
    for _ in range(20):  # arrives in pieces, as from a serial port
        lines += splitter.feed(b"x" * 64)
    lines += splitter.feed(b"rest of it\n" + frame("@9 ok") + b"\n")
    assert lines[0] == b"x" * wire.MAX_BOARD_LINE
    assert all(len(line) <= wire.MAX_BOARD_LINE for line in lines)
    assert wire.parse_line(lines[-1]) == wire.Reply(9, True, "")
    assert b"rest of it" not in b"".join(lines)


def test_a_frame_longer_than_the_board_line_limit_is_console_however_it_arrives():
    body = "@9 ok " + "x" * wire.MAX_BOARD_LINE
    lines = wire.LineSplitter().feed(frame(body) + b"\n")
    assert all(len(line) <= wire.MAX_BOARD_LINE for line in lines)
    assert not any(isinstance(wire.parse_line(line), wire.Reply) for line in lines)



# --- the normative page quotes real frames -----------------------------------------------------

DOC = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


def test_every_frame_quoted_in_docs_protocol_md_is_real():
    lines = [line for line in DOC.splitlines() if line[:2] in ("> ", "< ")]
    board_lines = [line[2:] for line in lines if line.startswith("< ")]
    board_lines += re.findall(r"`(@[^`]* \*[0-9A-Fa-f]{4})`", DOC)
    framed = [line for line in board_lines if line.startswith("@")]
    assert len(framed) > 20
    for line in framed:
        assert isinstance(wire.parse_line(wire_bytes(line)), (wire.Reply, wire.Event)), line
    for sent, answer in itertools.pairwise(lines):
        if sent.startswith("> ") and sent[-6:-4] == " *" and answer.startswith("< @"):
            refused = " err E_CHECK " in answer
            assert (wire.checksum(sent[2:-6]) == sent[-4:]) != refused, sent
