"""Simulated hand movements for the AI tests: a thread that moves a simulated board's World.

still: lying flat, a little tremor; tilt_left / tilt_right: tipped about 35 degrees to a side,
wobbling; shake: shaken along x, 2..3 g, 4..6 times a second. Each recording draws its own
amplitudes from a seeded random generator, so held-out recordings differ from training ones.
"""

from __future__ import annotations

import math
import random
import threading
import time

GESTURES = ("still", "tilt_left", "tilt_right", "shake")
WINDOW, HZ = 25, 100  # a quarter second of samples a window
NAMES = ["x.mean", "x.var", "x.peak", "x.zc", "y.mean", "z.mean"]  # the features the tests train on


class Hand(threading.Thread):
    """Moves world.acceleration as `gesture` would, every 5 ms, until stop()."""

    def __init__(self, world, gesture: str, seed: int) -> None:
        super().__init__(name=f"hand {gesture}", daemon=True)
        self.world, self.gesture = world, gesture
        self.rng = random.Random(seed)
        self.halt = threading.Event()
        self.moved = threading.Event()

    def pose(self, t: float) -> tuple[float, float, float]:
        r = self.rng
        noise = lambda s: r.gauss(0, s)  # noqa: E731
        if self.gesture == "still":
            return noise(0.02), noise(0.02), -1 + noise(0.02)
        if self.gesture in ("tilt_left", "tilt_right"):
            side = -1 if self.gesture == "tilt_left" else 1
            # the hand drifts between about 20 and 55 degrees of tilt, a full swing every 2.5 s
            x = side * (self.tilt + 0.2 * math.sin(2 * math.pi * 0.4 * t)) + noise(0.03)
            return x, noise(0.05), -0.8 + noise(0.03)
        amp = self.amp * (1 + 0.2 * math.sin(2 * math.pi * 0.3 * t))
        return amp * math.sin(2 * math.pi * self.freq * t) + noise(0.2), noise(0.3), -1 + noise(0.3)

    def run(self) -> None:
        self.tilt = self.rng.uniform(0.5, 0.6)
        self.amp = self.rng.uniform(2.0, 3.0)
        self.freq = self.rng.uniform(4.0, 6.0)
        start = time.monotonic()
        while not self.halt.is_set():
            x, y, z = self.pose(time.monotonic() - start)
            self.world.acceleration = tuple(max(-7.9, min(7.9, v)) for v in (x, y, z))
            self.moved.set()
            self.halt.wait(0.005)
        self.world.acceleration = (0.0, 0.0, -1.0)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)


def record(board, gesture: str, seconds: float, seed: int, hz: int = 100) -> list:
    """Samples of the board's accelerometer stream while a Hand makes `gesture` for `seconds`."""
    hand = Hand(board.sim.world, gesture, seed)
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
