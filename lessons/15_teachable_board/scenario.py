"""What the simulated world does while lesson 15 runs: a student waves the board (shaking it
along x, about 2 g, 3 times a second) while holding A until the LED has glowed for 3.5 s, then
lays it down (still) and holds B as long. Once the model is on the board, they wave until the
board's own model lights the LED, rest until it goes out, and press A to end."""

import math
import random
import threading
import time


class Hand(threading.Thread):
    """Moves world.acceleration: "rest" lies flat with a tremor, "wave" swings along x."""

    def __init__(self, world):
        super().__init__(name="hand", daemon=True)
        self.world, self.rng = world, random.Random(15)
        self.gesture, self.done = "rest", threading.Event()

    def run(self):
        r, start = self.rng, time.monotonic()
        while not self.done.is_set():
            t = time.monotonic() - start
            if self.gesture == "wave":
                xyz = (2.0 * math.sin(2 * math.pi * 3 * t) + r.gauss(0, 0.2), r.gauss(0, 0.2), -1 + r.gauss(0, 0.2))
            else:
                xyz = (r.gauss(0, 0.02), r.gauss(0, 0.02), -1 + r.gauss(0, 0.02))
            self.world.acceleration = xyz
            self.done.wait(0.005)
        self.world.acceleration = (0.0, 0.0, -1.0)


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 15 never {what}")

    hand = Hand(world)
    hand.start()
    try:
        time.sleep(1.0)  # the student reads the prompt
        for letter, gesture in (("a", "wave"), ("b", "rest")):
            hand.gesture = gesture
            narrate(f"{gesture}, holding {letter.upper()} (simulated) · {gesture}，按住{letter.upper()}（模拟）")
            time.sleep(0.5)
            world.press(letter)
            wait(lambda: world.led, f"started recording while {letter.upper()} was held")
            time.sleep(3.5)
            world.release(letter)
            wait(lambda: not world.led, f"stopped recording when {letter.upper()} was let go")
            time.sleep(0.5)
        time.sleep(1.0)  # the model goes into the board
        hand.gesture = "wave"
        narrate("wave · 挥一挥")
        wait(lambda: world.led, "lit the LED by itself for a wave")
        hand.gesture = "rest"
        narrate("rest · 放下")
        wait(lambda: not world.led, "put the LED out at rest")
        time.sleep(0.5)
        world.click("a", 0.3)
    finally:
        hand.done.set()
