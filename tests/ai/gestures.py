"""Gesture recordings for the AI tests, made by the simulated hand (kitbridge.sim.hand.Hand)
moving a simulated board's World. Each recording draws its own amplitudes from a seeded random
generator, so held-out recordings differ from training ones.
"""

from __future__ import annotations

import time

from kitbridge.sim.hand import Hand

WINDOW, HZ = 25, 100  # a quarter second of samples a window
NAMES = ["x.mean", "x.var", "x.peak", "x.zc", "y.mean", "z.mean"]  # the features the tests train on


def record(board, gesture: str, seconds: float, seed: int, hz: int = 100) -> list:
    """Samples of the board's accelerometer stream while a Hand makes `gesture` for `seconds`."""
    hand = Hand(board.sim.world, seed, gesture)
    hand.start()
    try:
        assert hand.moved.wait(2), "the hand never moved"
        samples = []
        with board.accelerometer.stream(hz=hz) as stream:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                samples += stream.take(timeout=0.2)
        assert stream.lost == 0, f"{stream.lost} samples lost"
        return samples
    finally:
        hand.stop()
