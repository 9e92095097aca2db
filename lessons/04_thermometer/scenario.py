"""What the simulated world does while lesson 04 runs: a DHT11 is wired on the ESP32 boards;
the room is 24 °C; then a hand (or a hair dryer) warms the sensor to 35 °C, and the alarm must
flash the LED (and beep where the board can) until the lesson stops after three alarms."""

import time

DHT11_PIN = {"mpython": 0, "esp32-devkitc": 4}


def wire(world):
    """The DHT11 on the desk (the micro:bit v2 uses its own thermometer)."""
    if world.kind in DHT11_PIN:
        world.parts.dht11(DHT11_PIN[world.kind])


def play(world, narrate):
    if world.kind in DHT11_PIN:
        narrate(f"a DHT11 wired to pin {DHT11_PIN[world.kind]} (simulated) · DHT11接在引脚{DHT11_PIN[world.kind]}（模拟）")
    world.temperature = 24
    narrate("the room is 24 °C · 房间24°C")

    def wait(condition, what, timeout=30):
        if not world.wait_for(condition, timeout=timeout):
            raise AssertionError(f"lesson 04 never {what}")

    time.sleep(4.5)  # a few quiet readings go by
    if world.led:
        raise AssertionError("lesson 04 raised the alarm at 24 °C")
    world.temperature = 35
    narrate("a hand warms the sensor: 35 °C · 手把传感器捂热：35°C")
    wait(lambda: world.led, "flashed the LED when it was too hot")
