"""What the simulated world does while lesson 12 runs: a hand makes each gesture (still, tilt
left, tilt right, shake) and presses A while doing it; the lesson records while its LED glows.
Then the hand shakes the board until the LED says the model saw a shake, holds still until the
LED goes off, and presses B.

The hand is kitbridge.sim.hand.Hand."""

import time

from kitbridge.sim.hand import GESTURES, Hand


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 12 never {what}")

    hand = Hand(world, seed=12)
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
        time.sleep(1.0)  # the student reads the accuracy
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
