"""A noisy line: every request succeeds or raises a typed error within its timeout, and writes
are never silently repeated."""

from __future__ import annotations

import time

import pytest
from kitbridge import ConnectionLost, KitError, KitTimeout
from kitbridge.client import idempotent, output_key
from kitbridge.sim import FaultPlan


@pytest.mark.parametrize("verb, args, expected", [
    ("hello", (), True), ("ping", (), True), ("pin", (3,), True), ("pin", (3, "read"), True),
    ("pin", (3, "analog"), True), ("button", ("a",), True), ("led", (), True),
    ("led", (1,), False), ("pin", (3, "write", 1), False), ("pin", (3, "pwm", 10), False),
    ("pin", (3, "pull", "up"), False), ("deadman", (500,), False), ("reset", (), False),
    ("reboot", (), False), ("tone", (440,), False),
])
def test_only_reads_are_marked_idempotent(verb, args, expected):
    assert idempotent(verb, args) is expected


def test_outputs_are_keyed_so_the_last_write_wins():
    assert output_key("pin", (3, "write", 1)) == output_key("pin", (3, "pwm", 100, 50))
    assert output_key("pin", (3, "pull", "up")) != output_key("pin", (3, "write", 1))
    assert output_key("led", (1,)) == ("led",)
    assert output_key("pin", (3, "read")) is None


def test_fault_plans_are_repeatable():
    from kitbridge.sim.faults import Faults

    plan = FaultPlan(seed=3, drop=0.1, corrupt=0.1, duplicate=0.1)
    data = bytes(range(32, 127)) * 20
    first, second = Faults(plan).apply(data, "to_board"), Faults(plan).apply(data, "to_board")
    assert first == second
    assert first[0] != data
    assert b"\x03" not in first[0]
    assert Faults(FaultPlan(seed=3, drop=0.1, direction="to_host")).apply(data, "to_board") == (data, 0.0)


@pytest.mark.parametrize("bad", [dict(drop=1.5), dict(drop=0.6, corrupt=0.6), dict(direction="up"),
                                 dict(delay_s=-1)])
def test_a_bad_fault_plan_is_refused(bad):
    with pytest.raises(ValueError):
        FaultPlan(**bad)


def run_traffic(board, seconds_each: float, count: int):
    """Alternate writes and reads; return (outcome counts, worst overshoot of a timeout in seconds)."""
    outcomes = {"write ok": 0, "write KitTimeout": 0, "read ok": 0, "read KitTimeout": 0, "other": 0}
    worst = 0.0
    for i in range(count):
        kind = "write" if i % 3 == 0 else "read"
        started = time.monotonic()
        try:
            if i % 3 == 0:
                board.pin(0).write_digital(i % 2)
            elif i % 3 == 1:
                board.pin(1).read_analog()
            else:
                board.request("ping", timeout=seconds_each)
            outcomes[kind + " ok"] += 1
        except KitTimeout:
            outcomes[kind + " KitTimeout"] += 1
        except KitError:
            outcomes["other"] += 1
        worst = max(worst, time.monotonic() - started - seconds_each)
    return outcomes, worst


@pytest.mark.parametrize("plan", [
    FaultPlan(seed=1, drop=0.005),
    FaultPlan(seed=2, corrupt=0.005),
    FaultPlan(seed=3, duplicate=0.005),
    FaultPlan(seed=4, delay=0.005, delay_s=0.1),
    FaultPlan(seed=5, drop=0.002, corrupt=0.002, duplicate=0.002, delay=0.002, delay_s=0.05),
], ids=["drop", "corrupt", "duplicate", "delay", "mixed"])
def test_every_request_on_a_noisy_line_ends_in_time(sim, connect, plan):
    board = connect(sim.port, timeout=0.6)  # room for 4 tries of a read (client.MIN_ATTEMPT)
    sim.faults = plan
    outcomes, worst = run_traffic(board, 0.6, 90)
    assert sim.faults.total > 0, "the plan hit nothing: the test proves nothing"
    assert worst < 0.15, f"a request overran its timeout by {worst:.3f} s"
    assert outcomes["other"] == 0, outcomes
    # reads are asked again after a lost answer, so (nearly) all succeed; a write whose answer
    # was lost is a KitTimeout (it may have run), never a silent resend
    assert outcomes["read KitTimeout"] <= 1, outcomes
    assert outcomes["write ok"] + outcomes["write KitTimeout"] == 30, outcomes
    sim.faults = None
    assert board.request("ping").isdigit()


# Without keep-alive pings the traffic, and so the bytes a seeded plan hits, is the same every run.

def test_reads_are_retried_after_lost_answers(sim, connect):
    board = connect(sim.port, timeout=0.6, deadman=None)
    sim.faults = FaultPlan(seed=11, drop=0.02, direction="to_host")
    sim.world.set_analog(1, 700)
    for _ in range(40):
        assert abs(board.pin(1).read_analog() - 700) <= 2
    assert sim.faults.counts["to_host"].dropped > 0


def test_a_write_whose_answer_is_lost_is_not_sent_again(sim, connect):
    board = connect(sim.port, timeout=0.3, deadman=None)
    sent = []
    write = board.link.write
    board.link.write = lambda data: sent.append(data) or write(data)
    sim.faults = FaultPlan(seed=0, drop=1.0, direction="to_host")  # the board hears, the host does not
    with pytest.raises(KitTimeout, match="may or may not have done it, so it was not sent again"):
        board.pin(0).write_digital(1)
    assert sim.world.wait_for(lambda: sim.world.value("pin 0") == 1, timeout=1)
    assert [line for line in sent if b" pin 0 write 1 " in line] == [sent[0]]
    assert len(sent) == 1


def test_a_damaged_write_is_refused_unrun_and_sent_again(sim, connect, caplog):
    board = connect(sim.port, timeout=0.3, deadman=None)
    sim.faults = FaultPlan(seed=2, corrupt=0.01, direction="to_board")
    done = 0
    for value in (1, 0) * 20:
        try:
            board.pin(0).write_digital(value)
        except KitTimeout:  # its newline was hit: glued to the next line, it got no answer of its own
            continue
        done += 1
        assert sim.world.value("pin 0") == value
    assert sim.faults.counts["to_board"].corrupted > 0
    assert "ran nothing; sending again" in caplog.text
    assert done >= 34


def test_a_board_reset_mid_stream_ends_requests_in_time(sim, connect):
    board = connect(sim.port, timeout=0.5)
    board.pin(0).write_digital(1)
    boots = sim.boots
    results = []
    for i in range(60):
        if i == 20:
            sim.reset()
        started = time.monotonic()
        try:
            board.request("ping")
            results.append("ok")
        except (KitTimeout, ConnectionLost) as exc:
            results.append(type(exc).__name__)
        assert time.monotonic() - started < 0.65
    assert sim.boots == boots + 1
    assert results[-10:] == ["ok"] * 10
