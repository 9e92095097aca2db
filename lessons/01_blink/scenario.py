"""What the simulated world does while lesson 01 runs: once the LED has blinked three
times, someone presses button A and holds it until the LED answers."""

import time


def play(world, narrate):
    def wait(condition, what):
        if not world.wait_for(condition, timeout=30):
            raise AssertionError(f"lesson 01 never {what}")

    for _ in range(3):
        wait(lambda: world.led, "turned the LED on")
        wait(lambda: not world.led, "turned the LED off")
    time.sleep(1.0)  # a person takes a moment to read the prompt
    world.press("a")
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
    wait(lambda: world.led, "answered button A with the LED")
    world.release("a")
