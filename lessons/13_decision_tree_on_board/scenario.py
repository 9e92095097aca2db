"""What the simulated world does while lesson 13 runs: a hand makes each gesture (still, tilt
left, tilt right, shake) and presses A while doing it; the lesson records while its LED glows.
Then, with the tree on the board, the hand shakes the board until the board's own model lights
the LED, holds still until the board puts it out, and presses B: the lesson lets go of the board.

Unplugged: the runner switches the board on again with no computer attached, as a battery does.
The hand holds it still, shakes it, tilts it left and right: the LED must light for the shake
alone, decided by the tree the board stored. Each gesture goes in the World's log as "hand", so
a test can line the LED up with what the hand did.

The hand is kitbridge.sim.hand.Hand."""

import time

from kitbridge.sim.hand import Hand, teach_then_shake

HOLD = 1.5  # seconds the hand keeps a gesture once the board has decided


def play(world, narrate):
    teach_then_shake(world, narrate, "13", seed=13)


def unplugged(world, narrate):
    hand = Hand(world, seed=113)
    hand.start()

    def make(gesture):
        hand.gesture = gesture
        world.record("hand", gesture)
        narrate(f"on battery, the hand: {gesture} · 用电池供电，手势：{gesture}")

    def wait(condition, what):
        if not world.wait_for(condition, timeout=10):
            raise AssertionError(f"with no computer attached, the board never {what}")

    try:
        for gesture in ("still", "shake", "tilt_left", "shake", "tilt_right", "still"):
            make(gesture)
            lit = gesture == "shake"
            wait(lambda lit=lit: world.led == lit, f"{'lit' if lit else 'put out'} its LED for {gesture}")
            time.sleep(HOLD)
            if world.led != lit:
                raise AssertionError(f"with no computer attached, the LED went {'out' if lit else 'on'} "
                                     f"while the hand kept to {gesture}")
        make("put down")
    finally:
        hand.done.set()
        hand.join(1.0)
