"""Streams on the simulated board: complete and in order, losses counted exactly, rates limited."""

from __future__ import annotations

import re

import pytest
from kitbridge import Board
from kitbridge.sim import FaultPlan
from kitbridge.streams import IDX_WRAP, accel_source, decode, wire_limit


def test_5_s_at_200_hz_arrives_complete_and_in_order():
    with Board("sim:microbit-v2") as board:
        board.sim.world.acceleration = (0.5, -0.25, -1.0)
        with board.accelerometer.stream(hz=200) as stream:
            samples = [s for s, _ in zip(stream, range(1000))]
        assert stream.hz == 200
        assert stream.lost == 0 and stream.dropped == 0
        assert len(samples) == 1000
        steps = [b.timestamp - a.timestamp for a, b in zip(samples, samples[1:])]
        assert all(0.004 <= d <= 0.006 for d in steps), sorted(steps)[-3:]
        assert samples[-1].timestamp - samples[0].timestamp == pytest.approx(4.995, abs=0.002)
        assert (samples[0].x, samples[0].y, samples[0].z) == (0.5, -0.25, -1.0)


def test_drops_on_the_line_are_counted_exactly():
    with Board("sim:microbit-v2") as board:
        line = board.sim._line
        sent_lines: list[bytes] = []
        write = line.write

        def tap(data: bytes) -> None:  # what the board sent, before the faulty cable
            sent_lines.append(data)
            write(data)

        line.write = tap
        stream = board.accelerometer.stream(hz=200, batch=10)
        board.sim.faults = FaultPlan(seed=11, drop=0.002, direction="to_host")
        got = [s for s, _ in zip(stream, range(400))]
        board.sim.faults = None
        stream.close()
        line.write = write
        text = b"".join(sent_lines).decode("ascii")
        sent = sum(len(m.group(1)) // 9 for m in re.finditer(rf"s {stream.id} \d+ (\S+) \*", text))
        assert board.sim.faults is None
        assert stream.lost > 0, "the seeded plan drops some batch lines"
        assert stream.received + stream.lost == sent
        assert stream.received >= len(got)


def test_a_rate_the_line_cannot_carry_is_lowered_with_the_achievable_rate():
    with Board("sim:microbit-v2") as board:
        with board.accelerometer.stream(hz=1000) as fast:
            assert fast.hz == 1000 and fast.warning is None
            with board.light.stream(hz=1000) as second:
                assert second.hz < 1000
                assert f"lowered to {second.hz} Hz" in second.warning
                assert next(second).level == pytest.approx(0.5, abs=0.01)


def test_the_encoding_round_trips_signed_values_and_the_wire_limit():
    def enc(v: int, w: int) -> str:  # as firmware/kb_d_stream.py
        return "".join(chr(48 + (v >> 6 * i & 63)) for i in reversed(range(w)))

    data = "".join(enc(v + 131072, 3) for v in (-8000, 0, 7999, 1, -1, 2048))
    assert decode(accel_source(()), data) == [(-8.0, 0.0, 7.999), (0.001, -0.001, 2.048)]
    assert "*" not in data and " " not in data
    assert 1150 < wire_limit(9) < 1200  # 3-axis samples a second at 115200 baud
    assert IDX_WRAP == 65536
