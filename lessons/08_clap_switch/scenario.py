"""What the simulated world does while lesson 08 runs: a quiet room with some chatter, then a
clap (the sound level jumps to 0.9 and fades once the lamp answers): the LED must come on; a
second clap must switch it off; talking (0.4) must switch nothing; then button A ends it."""

import time


def play(world, narrate):
    def wait(condition, what, timeout=20):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 08 never {what}")

    def clap(lamp_after, words):
        world.sound = 0.9
        narrate(words)
        wait(lambda: world.led == lamp_after, f"switched the lamp {'on' if lamp_after else 'off'} on a clap")
        world.sound = 0.05  # a clap is over in a moment

    world.sound = 0.05
    narrate("a quiet room: sound 0.05 (simulated) · 安静的房间：声音0.05（模拟）")
    time.sleep(1.0)
    world.sound = 0.4
    narrate("people talking: sound 0.4 · 有人说话：声音0.4")
    time.sleep(1.0)
    if world.led:
        raise AssertionError("lesson 08 switched the lamp on for talking")
    world.sound = 0.05
    time.sleep(0.5)
    clap(True, "clap! · 拍手！")
    time.sleep(1.0)
    clap(False, "clap again! · 再拍一次！")
    time.sleep(0.5)
    narrate("button A pressed (simulated) · 按钮A被按下（模拟）")
    world.press("a")
