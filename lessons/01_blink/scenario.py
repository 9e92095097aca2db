"""What the simulated world does while lesson 01 runs: someone presses button A once the LED has blinked."""


def play(world, narrate):
    # three blinks: the LED went on three times and off three times
    world.wait_for(lambda: len(world.history("led")) >= 6, timeout=30)
    world.click("a", 0.2)
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
