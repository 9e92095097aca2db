"""Streams through an outage: resumed after a reconnect or a board reset, samples missed counted.

The count of an outage is the samples the stream's old run would have taken before its new run's
first one: with the last sample before at t1 and the first after at t2, ceil((t2 - t1) * hz) - 1.
"""

from __future__ import annotations

import csv
import math
import threading
import time
from itertools import pairwise

import pytest
from kitbridge import Board, ConnectionLost, streams

HZ = 100  # a whole number of ms a sample, so sample times are exact


def samples_missed(before, after, hz: int = HZ) -> int:
    """Samples due between two samples at `hz`, from their times (ms are exact on the board)."""
    return math.ceil(round((after.timestamp - before.timestamp) * hz, 6)) - 1


def board_streams(sim) -> dict:
    """The streams running on the simulated board's firmware, by id."""
    return sim.firmware.modules["kb_d_stream"].S


def spaced_evenly(samples, hz: int = HZ) -> bool:
    return all(abs(b.timestamp - a.timestamp - 1 / hz) < 1e-6 for a, b in pairwise(samples))


def test_without_reconnect_a_stream_ends_with_connection_lost(sim, connect):
    board = connect(sim.port)
    stream = board.accelerometer.stream(hz=HZ)
    next(stream)
    sim.unplug()
    with pytest.raises(ConnectionLost):
        for _ in range(10 * HZ):
            next(stream)
    with pytest.raises(ConnectionLost):
        next(stream)  # and stays so


def test_a_stream_resumes_after_reconnect_with_the_samples_missed_counted_exactly(sim, connect):
    board = connect(sim.port)
    sim.world.acceleration = (0.25, 0.5, -1.0)
    stream = board.accelerometer.stream(hz=HZ)
    before = [next(stream) for _ in range(30)]
    sim.unplug()
    with pytest.raises(ConnectionLost):
        while True:
            before.append(next(stream))
    assert sim.world.wait_for(lambda: not board_streams(sim), timeout=1)  # the deadman stopped it
    sim.replug(new_path=True)
    board.reconnect(timeout=3)
    assert stream.id in board_streams(sim)  # asked again: same source, rate and batch
    after = [next(stream) for _ in range(30)]  # the same iterator goes on
    assert (after[0].x, after[0].y, after[0].z) == (0.25, 0.5, -1.0)
    assert spaced_evenly(before) and spaced_evenly(after)
    [gap] = stream.gaps
    assert gap.reason == "reconnect"
    assert (gap.start, gap.end) == (before[-1].timestamp, after[0].timestamp)
    assert gap.lost == samples_missed(before[-1], after[0]) > 0
    assert stream.lost == gap.lost  # nothing else was lost
    stream.close()
    assert stream.id not in board_streams(sim)


def test_with_auto_reconnect_the_reader_waits_and_samples_the_board_sent_meanwhile_count(sim, connect):
    # no deadman: the board streams on into the unplugged port, so those samples are lost on the way
    board = connect(sim.port, reconnect=True, deadman=None)
    stream = board.accelerometer.stream(hz=HZ, batch=5)
    got = [next(stream) for _ in range(20)]
    sim.unplug()
    replugged = threading.Timer(0.5, sim.replug)
    replugged.start()
    for _ in range(100):  # never raises: the reader waits through the outage
        got.append(next(stream))
    replugged.join()
    assert board.port == sim.port
    [gap] = stream.gaps
    assert gap.lost is not None
    steps = [(a, b) for a, b in pairwise(got) if b.timestamp - a.timestamp > 1 / HZ + 1e-6]
    assert steps, "an outage of 0.5 s shows in the sample times"
    # the board's samples sent meanwhile, and those it took no more: all in the one gap
    assert gap.lost == stream.lost == sum(samples_missed(a, b) for a, b in steps)
    # it ends at the restarted run's first sample; what the board sent on after the link came back is inside
    assert gap.start == steps[0][0].timestamp and gap.end >= steps[-1][1].timestamp
    assert gap.end in [s.timestamp for s in got]
    assert all(b.timestamp > a.timestamp for a, b in pairwise(got))


def test_a_reader_waiting_through_a_long_outage_is_told_and_can_read_on_after_it(sim, connect, monkeypatch):
    monkeypatch.setattr(streams, "RESUME_WAIT", 0.5)
    board = connect(sim.port, reconnect=True)
    stream = board.accelerometer.stream(hz=HZ)
    next(stream)
    stream.take()
    sim.unplug()
    started = time.monotonic()
    with pytest.raises(ConnectionLost, match="still reconnecting"):
        next(stream)
    assert 0.5 <= time.monotonic() - started < 1.5
    sim.replug()
    assert next(stream) is not None  # the same stream, once the board is back
    assert len(stream.gaps) == 1


def test_a_board_that_restarted_leaves_a_gap_of_unknown_size_and_board_time_goes_on():
    with Board("sim?baud=0") as board:
        sim = board.sim
        stream = board.accelerometer.stream(hz=HZ)
        before = [next(stream) for _ in range(30)]
        sim.stop()  # switched off: its clock starts again from 0
        sim.restart()
        board.reconnect(timeout=3)
        after = [next(stream) for _ in range(30)]
        [gap] = stream.gaps
        assert gap.lost is None and stream.lost == 0  # not counted: the new clock cannot say
        assert "unknown" in str(gap)
        assert after[0].timestamp > before[-1].timestamp  # board time carried on by the host's clock
        assert spaced_evenly(after)


def test_a_board_reset_mid_stream_resumes_the_stream(sim, connect):
    board = connect(sim.port)
    stream = board.accelerometer.stream(hz=HZ)
    before = [next(stream) for _ in range(20)]
    boots = sim.boots
    sim.reset()
    after = [next(stream) for _ in range(20)]
    assert sim.boots == boots + 1
    [gap] = stream.gaps
    assert gap.reason == "reset" and gap.lost is None
    assert after[0].timestamp > before[-1].timestamp


def test_a_stream_the_user_stopped_stays_stopped(sim, connect):
    board = connect(sim.port, deadman=None)  # no deadman: a stream left on the board runs on
    stopped = board.light.stream(hz=20)
    stopped.close()
    running = board.accelerometer.stream(hz=HZ)
    closed_in_outage = board.sound.stream(hz=20)
    next(running)
    sim.unplug()
    closed_in_outage.close()  # the board cannot hear it now: it is stopped once the board is back
    assert closed_in_outage.closed
    sim.replug()
    board.reconnect(timeout=3)
    assert set(board_streams(sim)) == {running.id}
    assert next(running) is not None
    stopped.take()  # what came before it was closed
    with pytest.raises(StopIteration):
        next(stopped)
    [gap] = closed_in_outage.gaps  # its last samples never came: said so, not hidden
    assert gap.end is None and gap.lost is None and "closed during" in str(gap)


def test_a_recording_goes_on_through_an_outage(sim, connect, tmp_path):
    board = connect(sim.port, reconnect=True)
    path = tmp_path / "motion.csv"

    def pull_and_replug() -> None:
        assert sim.world.wait_for(lambda: path.exists() and path.stat().st_size > 2000, timeout=5)
        sim.unplug()
        assert board._client.lost_event.wait(2)
        sim.replug(new_path=True)

    outage = threading.Thread(target=pull_and_replug)
    outage.start()
    result = board.record([board.accelerometer, board.light], seconds=2.5, path=path, hz=HZ)
    outage.join()
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for name in ("accelerometer", "light"):
        [gap] = result.gaps[name]
        assert gap.lost is not None and result.lost[name] == gap.lost
        times = [float(row["time [s]"]) for row in rows if row["device"] == name]
        assert len(times) == result.rows[name]
        assert times[0] <= gap.start < gap.end <= times[-1]  # rows before the outage and after it
        assert len(times) + gap.lost == pytest.approx((times[-1] - times[0]) * HZ + 1, abs=1)
