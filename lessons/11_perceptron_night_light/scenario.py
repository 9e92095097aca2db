"""What the simulated world does while lesson 11 runs: a student shows three dark rooms (light
0.05, 0.15, 0.25), pressing A in each, and three bright ones (0.55, 0.7, 0.9), pressing B,
waiting each time for the LED's "got it" flash. Then evening falls (0.1): the learned night
light must come on; morning comes (0.85): it must go off; then A ends the lesson."""

import time


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 11 never {what}")

    for letter, levels in (("a", (0.05, 0.15, 0.25)), ("b", (0.55, 0.7, 0.9))):
        for level in levels:
            world.light = level
            time.sleep(0.6)  # the student sets up the room, then presses
            narrate(f"light {level}, button {letter.upper()} (simulated) · 光线{level}，按{letter.upper()}（模拟）")
            world.press(letter)
            wait(lambda: world.led, f"flashed for the example at light {level}")
            world.release(letter)
            wait(lambda: not world.led, "ended its flash")
    world.light = 0.8
    time.sleep(1.5)  # the afternoon goes by
    if world.led:
        raise AssertionError("lesson 11 lit the lamp although it was bright")
    world.light = 0.1
    narrate("evening: light 0.1 · 傍晚：光线0.1")
    wait(lambda: world.led, "turned the night light on in the dark")
    time.sleep(1.0)
    world.light = 0.85
    narrate("morning: light 0.85 · 早上：光线0.85")
    wait(lambda: not world.led, "turned the night light off in the morning")
    time.sleep(0.5)
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
    world.press("a")
