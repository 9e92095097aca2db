"""Board definitions: every boards/*.toml loads and its facts hold (kb_board.py: test_board_module.py)."""

import pytest
from kitbridge import boards, resources
from kitbridge.boards import CAPS, board_kinds, load_board
from kitbridge.errors import KitError

KINDS = ["esp32-devkitc", "microbit-v1", "microbit-v2", "mpython"]
ESP32_TOUCH_GPIOS = {0, 2, 4, 12, 13, 14, 15, 27, 32, 33}
MICROBIT_LABELS = list(range(17)) + [19, 20]


# --- the files ---------------------------------------------------------------------------


def test_board_kinds_are_the_four_files():
    assert board_kinds() == KINDS
    assert sorted(p.stem for p in resources.boards_dir().glob("*.toml")) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_every_board_loads_with_sane_fields(kind):
    spec = load_board(kind)
    assert spec.kind == kind
    assert spec.family in ("esp32", "microbit")
    assert spec.hal == "kb_hal_" + spec.family
    assert (resources.firmware_dir() / (spec.hal + ".py")).is_file()
    assert spec.name and spec.name_zh and spec.name != spec.name_zh
    assert spec.baud == 115200
    assert spec.usb and all(0 < u.vid <= 0xFFFF and 0 < u.pid <= 0xFFFF and u.chip for u in spec.usb)
    assert spec.heap > 5000
    assert spec.max_line <= spec.rx_window
    for label, pin in spec.pins.items():
        assert pin.label == label and 0 <= label <= 99
        assert pin.caps and pin.caps <= set(CAPS)
        assert "in" in pin.caps  # kb_d_pin's `pull` needs I on every pin
        if "pwm" in pin.caps:
            assert "out" in pin.caps
    assert spec.has("led") and spec.has("button_a")
    for name, dev in spec.devices.items():
        assert dev.name == name and dev.type


def test_load_board_is_cached():
    assert load_board("mpython") is load_board("mpython")


# --- facts per board ---------------------------------------------------------------------


def test_mpython_facts():
    spec = load_board("mpython")
    assert spec.pin(0).gpio == 33
    assert [spec.pin(n).gpio for n in (1, 4, 10, 19, 20, 28)] == [32, 39, 36, 22, 23, 4]
    assert sorted(set(range(29)) - set(spec.pins)) == [12, 17, 18, 21, 22]
    a, b = spec.device("button_a"), spec.device("button_b")
    assert (a.type, a.params["gpio"], a.params["pressed"]) == ("button", 0, 0)
    assert (b.type, b.params["gpio"], b.params["pressed"]) == ("button", 2, 0)
    led = spec.device("led")
    assert led.type == "neopixel"
    assert dict(led.params) == {"gpio": 17, "pin": 7, "count": 3, "index": 0, "brightness": 32}
    assert spec.device("light").params["gpio"] == 39
    assert spec.device("sound").params["gpio"] == 36
    assert spec.device("buzzer").params["gpio"] == 16
    assert spec.device("display").params["addresses"] == (0x3C,)
    assert spec.device("accelerometer").params["addresses"] == (0x26, 0x6B)
    assert spec.device("compass").params["addresses"] == (0x30,)
    assert spec.device("touch").params["gpios"] == (27, 14, 12, 13, 15, 4)
    i2c = spec.device("i2c").params
    assert (i2c["scl_gpio"], i2c["sda_gpio"]) == (22, 23)
    assert spec.usb[0][:2] == (0x10C4, 0xEA60)


@pytest.mark.parametrize("kind", ["mpython", "esp32-devkitc"])
def test_esp32_pin_rules(kind):
    spec = load_board(kind)
    assert (spec.rx_window, spec.max_line, spec.pwm_max_hz) == (256, 128, 40000)
    gpios = {p.gpio for p in spec.pins.values()}
    assert not gpios & set(range(6, 12)), "flash pins must never be offered"
    assert not gpios & {1, 3}, "UART0 carries kitbridge's own serial line"
    for pin in spec.pins.values():
        if pin.gpio in (34, 35, 36, 39):
            assert pin.caps == {"in", "analog"}, pin
        if "analog" in pin.caps:
            assert 32 <= pin.gpio <= 39, f"ADC2 is unusable with Wi-Fi on: {pin!r}"
        if "touch" in pin.caps:
            assert pin.gpio in ESP32_TOUCH_GPIOS, pin
    button_gpios = {d.params["gpio"] for n, d in spec.devices.items() if n.startswith("button_")}
    for pin in spec.pins.values():
        if pin.gpio in button_gpios:
            assert pin.caps == {"in"}, "a button line must never be driven"


def test_devkitc_facts():
    spec = load_board("esp32-devkitc")
    assert all(p.gpio == label for label, p in spec.pins.items())
    assert spec.pins_with("analog") == [32, 33, 34, 35, 36, 39]
    led = spec.device("led")
    assert (led.type, led.params["gpio"]) == ("gpio", 2)
    boot = spec.device("button_a")
    assert (boot.params["gpio"], boot.params["pressed"]) == (0, 0)
    assert not spec.has("button_b") and not spec.has("display")
    assert {(u.vid, u.pid) for u in spec.usb} >= {(0x10C4, 0xEA60), (0x1A86, 0x7523)}


@pytest.mark.parametrize("kind", ["microbit-v1", "microbit-v2"])
def test_microbit_pin_rules(kind):
    spec = load_board(kind)
    window = 32 if kind == "microbit-v1" else 48  # the v1's heap wants small line buffers
    assert (spec.rx_window, spec.max_line, spec.pwm_max_hz) == (window, window, 3906)
    assert list(spec.pins) == MICROBIT_LABELS
    assert spec.pins_with("analog") == [0, 1, 2, 3, 4, 10]
    assert spec.pins_with("touch") == [0, 1, 2]
    assert spec.pins_with("pwm") == spec.pins_with("out")
    assert spec.pin(5).caps == spec.pin(11).caps == {"in"}
    assert set(spec.pins_with("in")) == set(MICROBIT_LABELS)
    led = spec.device("led")
    assert (led.type, led.params["x"], led.params["y"]) == ("matrix", 2, 2)
    assert spec.device("button_a").params["pin"] == 5
    assert spec.device("button_b").params["pin"] == 11
    assert spec.usb == ((0x0D28, 0x0204, "DAPLink"),)


def test_microbit_versions_differ_where_the_hardware_does():
    v1, v2 = load_board("microbit-v1"), load_board("microbit-v2")
    assert v1.pin(0).gpio == 3 and v2.pin(0).gpio == 2  # QEMU drives nRF51 GPIO 3 for pin0
    assert v1.device("button_a").params["gpio"] == 17
    for name in ("sound", "speaker", "logo"):
        assert v2.has(name) and not v1.has(name)
    assert v1.heap < 16000 < v2.heap
    assert 0x1D in v1.device("accelerometer").params["addresses"]
    assert v2.device("accelerometer").params["addresses"] == (0x19,)


# --- errors ------------------------------------------------------------------------------


def test_pin_error_names_the_allowed_labels():
    spec = load_board("microbit-v1")
    with pytest.raises(ValueError, match=r"no pin 17; pins: 0 1 2 .* 16 19 20$"):
        spec.pin(17)
    with pytest.raises(TypeError, match="whole number"):
        spec.pin("0")


def test_pins_with_error_names_the_capabilities():
    with pytest.raises(ValueError, match="in, out, analog, pwm, touch"):
        load_board("mpython").pins_with("i2c")


def test_device_error_names_the_boards_that_have_it():
    with pytest.raises(ValueError, match=r"no 'logo' device \(boards with one: microbit-v2\)"):
        load_board("mpython").device("logo")
    with pytest.raises(ValueError, match=r"boards with one: microbit-v1, microbit-v2, mpython\)"):
        load_board("esp32-devkitc").device("display")
    with pytest.raises(ValueError, match=r"no board kind has one\); this board has: led, button_a$"):
        load_board("esp32-devkitc").device("rocket")


def test_unknown_kind_lists_the_kinds():
    with pytest.raises(ValueError, match="kinds: esp32-devkitc, microbit-v1, microbit-v2, mpython"):
        load_board("arduino-uno")


# --- usb lookup --------------------------------------------------------------------------


def test_usb_lookup():
    # The mPython board and the DevKitC share the CP210x id: both come back, by kind.
    assert [s.kind for s in boards.boards_for_usb(0x10C4, 0xEA60)] == ["esp32-devkitc", "mpython"]
    assert [s.kind for s in boards.boards_for_usb(0x0D28, 0x0204)] == ["microbit-v1", "microbit-v2"]
    assert [s.kind for s in boards.boards_for_usb(0x1A86, 0x7523)] == ["esp32-devkitc"]
    assert boards.boards_for_usb(0x1234, 0x5678) == []


# --- malformed files ---------------------------------------------------------------------


def write_board(tmp_path, edit):
    text = (resources.boards_dir() / "mpython.toml").read_text(encoding="utf-8")
    path = tmp_path / "mpython.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda t: t.replace('kind = "mpython"', 'kind = "mpy"'), "kind"),
        (lambda t: t.replace('family = "esp32"', 'family = "avr"'), "family"),
        (lambda t: t.replace("rx_window = 256", 'rx_window = "256"'), "limits.rx_window"),
        (lambda t: t.replace("max_line = 128\n", ""), "limits.max_line"),
        (lambda t: t.replace('pid = "EA60"', 'pid = "0xEA60"'), "usb[0].pid"),
        (
            lambda t: t.replace('10 = { gpio = 36, caps = ["in", "analog"]', '10 = { gpio = 36, caps = ["ears"]'),
            "pins.10.caps",
        ),
        (lambda t: t.replace("0 = { gpio = 33,", "0 = { gpo = 33,"), "pins.0.gpio"),
        (lambda t: t.replace('led = { type = "neopixel"', 'led = { type = "lamp"'), "devices.led"),
        (
            lambda t: t.replace('button_a = { type = "button", gpio = 0, ', 'button_a = { type = "button", '),
            "devices.button_a.gpio",
        ),
        (lambda t: t + "\n[oops\n", "not valid TOML"),
    ],
)
def test_malformed_file_names_file_and_field(tmp_path, edit, field):
    path = write_board(tmp_path, edit)
    assert path.read_text(encoding="utf-8") != (resources.boards_dir() / "mpython.toml").read_text(encoding="utf-8"), (
        "the edit did not apply"
    )
    with pytest.raises(ValueError) as info:
        boards.load_board_file(path)
    assert str(info.value).startswith(f"{path}: {field}")


def test_resources_missing_folder_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "site" / "kitbridge" / "resources.py"))
    with pytest.raises(KitError, match="reinstall"):
        resources.boards_dir()
