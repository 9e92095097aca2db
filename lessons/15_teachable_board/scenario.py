"""What the simulated world does while lesson 15 runs: a student waves the board (shaking it
along x) while holding A until the LED has glowed for 3.5 s, then lays it down (still) and
holds B as long. Once the model is on the board, they wave until the board's own model lights
the LED, rest until it goes out, and press A to end.

The hand is kitbridge.sim.hand.Hand: the lesson's wave is its shake, the rest its still."""

import time

from kitbridge.sim.hand import Hand

MOVES = {"wave": "shake", "rest": "still"}  # what the hand does for each of the lesson's labels


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 15 never {what}")

    hand = Hand(world, seed=15)
    hand.start()
    try:
        time.sleep(1.0)  # the student reads the prompt
        for letter, gesture in (("a", "wave"), ("b", "rest")):
            hand.gesture = MOVES[gesture]
            narrate(f"{gesture}, holding {letter.upper()} (simulated) · {gesture}，按住{letter.upper()}（模拟）")
            time.sleep(0.5)
            world.press(letter)
            wait(lambda: world.led, f"started recording while {letter.upper()} was held")
            time.sleep(3.5)
            world.release(letter)
            wait(lambda: not world.led, f"stopped recording when {letter.upper()} was let go")
            time.sleep(0.5)
        time.sleep(1.0)  # the model goes into the board
        hand.gesture = MOVES["wave"]
        narrate("wave · 挥一挥")
        wait(lambda: world.led, "lit the LED by itself for a wave")
        hand.gesture = MOVES["rest"]
        narrate("rest · 放下")
        wait(lambda: not world.led, "put the LED out at rest")
        time.sleep(0.5)
        world.click("a", 0.3)
    finally:
        hand.done.set()
