"""A simulated hand holding the board: it moves World.acceleration through the gestures the AI
lessons learn (still, tilt left, tilt right, shake), the way a student's hand does.

Still is flat with a small tremor; a tilt is 30..35° to a side, wobbling; a shake is 2..3 g
along x, 4..6 times a second, its strength swelling and fading (a seeded random draw per hand,
so two hands' recordings differ as two students' do)."""

import math
import random
import threading
import time

GESTURES = ["still", "tilt_left", "tilt_right", "shake"]


class Hand(threading.Thread):
    """Moves world.acceleration as `gesture` says, every 5 ms, until stop() (or `done` is set)."""

    def __init__(self, world, seed=0, gesture="still"):
        super().__init__(name="hand", daemon=True)
        self.world, self.rng = world, random.Random(seed)
        self.gesture, self.done = gesture, threading.Event()
        self.moved = threading.Event()  # set once the board has been moved
        r = self.rng
        self.tilt, self.amp, self.freq = r.uniform(0.5, 0.6), r.uniform(2.0, 3.0), r.uniform(4.0, 6.0)

    def pose(self, t):
        """The acceleration (x, y, z in g) `t` seconds into the gesture, within the sensor's ±8 g."""
        r = self.rng
        if self.gesture == "still":
            xyz = r.gauss(0, 0.02), r.gauss(0, 0.02), -1 + r.gauss(0, 0.02)
        elif self.gesture in ("tilt_left", "tilt_right"):
            side = -1 if self.gesture == "tilt_left" else 1
            # the hand drifts between about 20 and 55 degrees of tilt, a full swing every 2.5 s
            xyz = (side * (self.tilt + 0.2 * math.sin(2 * math.pi * 0.4 * t)) + r.gauss(0, 0.03),
                   r.gauss(0, 0.05), -0.8 + r.gauss(0, 0.03))
        else:
            amp = self.amp * (1 + 0.2 * math.sin(2 * math.pi * 0.3 * t))
            xyz = amp * math.sin(2 * math.pi * self.freq * t) + r.gauss(0, 0.2), r.gauss(0, 0.3), -1 + r.gauss(0, 0.3)
        return tuple(max(-7.9, min(7.9, v)) for v in xyz)

    def run(self):
        start = time.monotonic()
        while not self.done.is_set():
            self.world.acceleration = self.pose(time.monotonic() - start)
            self.moved.set()
            self.done.wait(0.005)
        self.world.acceleration = (0.0, 0.0, -1.0)

    def stop(self):
        self.done.set()
        self.join(timeout=5)


def teach_then_shake(world, narrate, lesson: str, seed: int) -> None:
    """The gesture lessons' play: make each gesture while pressing A (the lesson records while
    its LED glows), then shake until the board's model lights the LED, hold still until it goes
    out, and press B (the lesson lets go of the board)."""

    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson {lesson} never {what}")

    hand = Hand(world, seed=seed)
    hand.start()
    try:
        for gesture in GESTURES:
            hand.gesture = gesture
            narrate(f"the hand: {gesture} (simulated) · 手势：{gesture}（模拟）")
            time.sleep(0.8)  # gets into the movement, reads the prompt
            world.click("a", 0.2)
            wait(lambda: world.led, f"started recording {gesture}")
            wait(lambda: not world.led, f"finished recording {gesture}")
        hand.gesture = "still"  # puts the board down
        time.sleep(1.0)  # the student reads what the model learned
        hand.gesture = "shake"
        narrate("the hand shakes the board · 手摇晃板子")
        wait(lambda: world.led, "lit the LED for a shake")
        hand.gesture = "still"
        narrate("the hand holds still · 手保持不动")
        wait(lambda: not world.led, "put the LED out when the board was still")
        time.sleep(0.5)
        world.click("b", 0.3)
    finally:
        hand.done.set()
