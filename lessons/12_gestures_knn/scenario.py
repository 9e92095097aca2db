"""What the simulated world does while lesson 12 runs: a hand makes each gesture (still, tilt
left, tilt right, shake) and presses A while doing it; the lesson records while its LED glows.
Then the hand shakes the board until the LED says the model saw a shake, holds still until the
LED goes off, and presses B.

The hand is kitbridge.sim.hand.Hand; lesson 13 plays the same."""

from kitbridge.sim.hand import teach_then_shake


def play(world, narrate):
    teach_then_shake(world, narrate, "12", seed=12)
