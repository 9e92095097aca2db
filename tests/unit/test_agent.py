"""The firmware agent (firmware/kb_agent.py) under CPython, on a fake HAL (conftest.py).

Board-side half of tests/vectors/protocol.json: each exchange fed to a fresh Agent gives
exactly the vector's answer lines and HAL calls. Then the properties a board must keep
whatever arrives, the deadman, and button events.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitbridge import wire

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "protocol.json").read_text(encoding="utf-8"))
BOARD = {key: value for key, value in VECTORS["board"].items() if key not in ("kind", "note")}
FAULTS = {"MemoryError": MemoryError, "RuntimeError": RuntimeError}
HELLO = next(v for v in VECTORS["exchanges"] if v["name"] == "request: hello")
USES_FW = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def wire_bytes(line: str) -> bytes:
    return line.encode("latin-1")


def framed(body: str) -> str:
    return f"{body} *{wire.checksum(body)}"


def exchange(fw, vector: dict):
    state = dict(BOARD, fault=FAULTS[vector["fault"]] if "fault" in vector else None)
    agent, hal = fw.agent(**state)
    data = wire_bytes(vector["send"] + vector.get("end", "\n"))
    step = vector.get("chunk") or len(data)
    for start in range(0, len(data), step):
        agent.feed(data[start:start + step])
    agent.poll()
    return hal


@pytest.mark.parametrize("vector", [
    pytest.param(v, id=v["name"]) for v in VECTORS["exchanges"]])
def test_exchange_vectors(fw, vector):
    hal = exchange(fw, vector)
    assert hal.lines() == vector["answer"]
    assert hal.calls == vector["hal"], "the board ran something it should not have" if not vector["hal"] else ""


def test_the_vectors_board_is_the_one_the_tests_load(fw):
    assert fw.board.KIND == VECTORS["board"]["kind"]


@pytest.mark.parametrize("vector", VECTORS["replies"], ids=lambda v: v["line"][:40])
def test_reply_vectors_are_what_the_firmware_writes(fw, vector):
    def run(agent, verb, args):
        if not vector["ok"]:
            raise fw.module.Err(vector["code"], vector["text"])
        return vector["text"]

    with fw.driver("probe", run):
        agent, hal = fw.agent()
        agent.feed(wire_bytes(framed(f"{vector['id']} probe")) + b"\n")
    assert hal.lines() == [vector["line"]]


@pytest.mark.parametrize("vector", VECTORS["events"], ids=lambda v: v["line"])
def test_event_vectors_are_what_the_firmware_writes(fw, vector):
    agent, hal = fw.agent(ms=vector.get("board_ms", vector["ticks"]))
    agent.seq = vector["seq"] - 1
    agent.event(" ".join([vector["name"], *vector["args"]]))
    assert hal.lines() == [vector["line"]]


@pytest.mark.parametrize("verb", ["exec", "eval", "import", "os", "sys", "gc", "agent", "board", "main", "hal"])
def test_no_code_from_the_wire_a_verb_only_names_a_driver(fw, verb):
    before = set(sys.modules)
    agent, hal = fw.agent()
    agent.feed(wire_bytes(framed(f"9 {verb} print(1)")) + b"\n")
    assert hal.lines() == [framed(f"@9 err E_VERB unknown command {verb}")]
    assert hal.calls == []
    assert set(sys.modules) == before


@pytest.mark.parametrize("fault", [
    RuntimeError("boom"), OSError(19, "ENODEV"), KeyError("x"), MemoryError(), ValueError("not a number"),
    ValueError(), ValueError("a", "b", "c"), ValueError(5, "x"),
], ids=repr)
def test_whatever_the_hal_raises_the_request_gets_an_error_with_a_known_code(fw, fault):
    agent, hal = fw.agent()

    def pin(*args):
        raise fault

    hal.pin = pin
    agent.feed(wire_bytes(framed("7 pin 0 read")) + b"\n")
    [line] = hal.lines()
    reply = wire.parse_line(wire_bytes(line))
    assert isinstance(reply, wire.Reply) and reply.rid == 7 and not reply.ok
    assert reply.code in ("E_MEM" if isinstance(fault, MemoryError) else "E_ARG E_INTERNAL").split()


def test_a_driver_too_big_to_import_is_e_mem_not_an_unknown_verb(fw):
    class NoRoom:
        def find_spec(self, name, path=None, target=None):
            if name == "kb_d_probe":
                raise MemoryError()

    agent, hal = fw.agent()
    sys.meta_path.insert(0, NoRoom())
    try:
        agent.feed(wire_bytes(framed("8 probe")) + b"\n")
    finally:
        sys.meta_path.pop(0)
    assert wire.parse_line(wire_bytes(hal.lines()[0])).code == "E_MEM"


# --- whatever arrives -------------------------------------------------------------------------

GARBAGE = st.lists(st.one_of(
    st.binary(max_size=100),
    st.binary(min_size=1, max_size=30).map(lambda b: bytes(x % 0x20 for x in b)),  # control bytes, Ctrl-C
    st.binary(min_size=1, max_size=30).map(lambda b: bytes(0x7F + x % 0x81 for x in b)),
    st.integers(1, 200).map(lambda n: b"7 led 1 " * n),  # overlong
    st.sampled_from([wire_bytes(v["send"]) for v in VECTORS["exchanges"]]).flatmap(  # truncated frames
        lambda line: st.integers(0, len(line)).map(lambda cut: line[:cut])),
    st.sampled_from([wire_bytes(v["line"][:-1]) + b"x" for v in VECTORS["requests"]]),  # bad checksums
), max_size=10)


@USES_FW
@given(chunks=GARBAGE)
def test_any_bytes_give_printable_answers_and_a_hello_after_a_newline_is_answered(fw, chunks):
    agent, hal = fw.agent(**dict(BOARD, buttons={}))
    for chunk in chunks:
        agent.feed(chunk)
    agent.feed(b"\n" + wire_bytes(HELLO["send"]) + b"\n")
    out = "".join(hal.written)
    assert out.endswith("\n")
    assert all(" " <= ch <= "~" for ch in out.replace("\n", "")), repr(out)
    assert all(len(line) <= wire.MAX_BOARD_LINE for line in hal.lines())
    assert hal.lines()[-1] == HELLO["answer"][0]


@USES_FW
@given(data=st.binary(max_size=300), size=st.integers(1, 70))
def test_how_bytes_are_cut_into_reads_does_not_change_the_answers_to_short_lines(fw, data, size):
    lines = [line for line in data.replace(b"\r", b"\n").split(b"\n") if len(line) <= fw.board.LINE]
    text = b"\n".join(lines) + b"\n"
    whole, hal_whole = fw.agent()
    whole.feed(text)
    pieces, hal_pieces = fw.agent()
    for start in range(0, len(text), size):
        pieces.feed(text[start:start + size])
    assert hal_pieces.written == hal_whole.written


# --- deadman ----------------------------------------------------------------------------------


def test_deadman_fires_once_after_the_interval_and_the_next_request_rearms_it(fw):
    agent, hal = fw.agent(ms=1000)
    agent.feed(b"deadman 100\n")
    assert hal.lines() == ["ok"]
    hal.ms = 1100
    agent.poll()
    assert hal.calls == [] and hal.lines() == ["ok"], "exactly the interval is not yet past it"
    hal.ms = 1101
    agent.poll()
    assert hal.calls == [["safe"]]
    assert hal.lines()[1:] == [framed("@!1 1101 deadman 100")]
    for hal.ms in (1102, 1300, 60000):
        agent.poll()
    assert hal.calls == [["safe"]], "the deadman fires once, not on every poll"

    agent.feed(wire_bytes(framed("5 ping")) + b"\n")
    assert hal.lines()[-1] == framed("@5 ok 60000")
    hal.ms = 60100
    agent.poll()
    assert hal.calls == [["safe"]]
    hal.ms = 60101
    agent.poll()
    assert hal.calls == [["safe"], ["safe"]]
    assert hal.lines()[-1] == framed("@!2 60101 deadman 100")


def test_requests_keep_the_deadman_calm_and_deadman_0_turns_it_off(fw):
    agent, hal = fw.agent()
    agent.feed(b"deadman 100\n")
    for hal.ms in range(60, 2000, 60):
        agent.feed(b"fly\n")  # even a request the board cannot do shows the host is there
        agent.poll()
    assert hal.calls == []
    agent.feed(b"deadman 0\n")
    for hal.ms in (3000, 70000):
        agent.poll()
    assert hal.calls == [] and not any("deadman" in line for line in hal.lines())


def test_lines_refused_as_broken_do_not_refresh_the_deadman(fw):
    agent, hal = fw.agent()
    agent.feed(b"deadman 100\n")
    hal.ms = 90
    agent.feed(b"7 ping *0000\n\x01\n")
    assert [wire.parse_line(wire_bytes(line)) for line in hal.lines()[1:]] == [
        wire.Reply(7, False, "bad checksum, not run", "E_CHECK"), wire.Console("err E_FRAME not a command")]
    hal.ms = 101
    agent.poll()
    assert hal.calls == [["safe"]]


# --- buttons ----------------------------------------------------------------------------------


def test_button_edges_are_events_with_increasing_seq(fw):
    agent, hal = fw.agent(ms=0, buttons={"a": False, "b": False})
    hal.ms = 20
    agent.poll()  # first scan: the state as found is not an edge
    steps = [(40, "a", True), (60, "a", False), (80, "b", True), (100, "a", True), (120, "b", False)]
    for hal.ms, letter, pressed in steps:
        hal.pressed[letter] = pressed
        agent.poll()
    assert hal.lines() == [
        framed("@!1 40 button a down"), framed("@!2 60 button a up"), framed("@!3 80 button b down"),
        framed("@!4 100 button a down"), framed("@!5 120 button b up")]
    events = [wire.parse_line(wire_bytes(line)) for line in hal.lines()]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.ticks for e in events] == [40, 60, 80, 100, 120]


def test_buttons_are_scanned_every_20_ms_not_on_every_poll(fw):
    agent, hal = fw.agent(ms=0, buttons={"a": False})
    hal.ms = 20
    agent.poll()
    hal.pressed["a"] = True
    hal.ms = 39
    agent.poll()
    assert hal.lines() == []
    hal.ms = 40
    agent.poll()
    assert hal.lines() == [framed("@!1 40 button a down")]


def test_event_seq_wraps_from_65535_to_1(fw):
    agent, hal = fw.agent(ms=2**24 + 5)
    agent.seq = 65534
    agent.event("button a down")
    agent.event("button a up")
    assert [wire.parse_line(wire_bytes(line)).seq for line in hal.lines()] == [65535, 1]
    assert hal.lines()[0] == framed("@!65535 5 button a down")


def test_reboot_answers_first_and_restarts_on_the_next_poll(fw):
    agent, hal = fw.agent()
    agent.feed(wire_bytes(framed("3 reboot")) + b"\n")
    assert hal.lines() == [framed("@3 ok")] and hal.calls == []
    agent.poll()
    assert hal.calls == [["reboot"]]
