"""Streams over the broker: a 100 Hz accelerometer stream from ten simulated boards at once."""

from __future__ import annotations

import time

from kitbridge import Board
from kitbridge.link.mqtt_broker import parse_broker
from kitbridge.sim.mqtt_bridge import SimBridge

SECONDS = 2.0


def test_ten_boards_stream_100_hz_at_once_without_loss(broker):
    address = parse_broker(f"127.0.0.1:{broker.port}", user=broker.user, password=broker.password)
    bridges = [SimBridge(address, board_id=f"s{i}").start() for i in range(10)]
    boards, streams = [], []
    try:
        boards = [Board(broker.board_url(b.board_id)) for b in bridges]
        streams = [board.accelerometer.stream(hz=100) for board in boards]
        start = time.monotonic()
        counts = [0] * len(streams)
        while time.monotonic() - start < SECONDS:
            for i, stream in enumerate(streams):
                counts[i] += len(stream.take(timeout=0.05))
        for stream in streams:
            stream.close()
        elapsed = time.monotonic() - start
    finally:
        for board in boards:
            board.close()
        for bridge in bridges:
            bridge.stop()
    assert all(s.hz == 100 for s in streams)
    assert sum(s.lost for s in streams) == 0, [repr(s) for s in streams]
    # ~100 samples/s each, less the first batch's latency
    assert all(c >= 0.8 * 100 * SECONDS for c in counts), (counts, elapsed)
