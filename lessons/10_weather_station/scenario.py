"""What the simulated world does while lesson 10 runs: a DHT11 is wired; the classroom is 22 °C
and dry-ish; after two measurements a student breathes on the sensor (warm, wet air), then the
air slowly returns to normal. Each change waits for the sensor to have been read."""

DHT11_PIN = {"mpython": 0, "esp32-devkitc": 4}
# (°C, %) the air has before each of the lesson's six measurements
WEATHER = [(22, 45), (22, 46), (27, 80), (26, 72), (24, 60), (23, 50)]


def wire(world):
    """The DHT11 on the desk."""
    world.parts.dht11(DHT11_PIN[world.kind])


def play(world, narrate):
    pin = DHT11_PIN[world.kind]
    sensor = world.parts.dhts[pin]
    narrate(f"a DHT11 wired to pin {pin} (simulated) · DHT11接在引脚{pin}（模拟）")
    for number, (celsius, humidity) in enumerate(WEATHER):
        world.temperature, world.humidity = celsius, humidity
        if number == 2:
            narrate("a student breathes on the sensor · 一个同学对着传感器哈气")
        if not world.wait_for(lambda number=number: sensor.reads > number, timeout=20):
            raise AssertionError(f"lesson 10 did not take measurement {number + 1}")
