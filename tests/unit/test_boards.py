"""Board definitions: every boards/*.toml loads, its facts hold, and kb_board.py fits the firmware."""

import ast
import importlib
import sys
import types

import pytest
from kitbridge import boards, resources
from kitbridge.boards import CAPS, BoardSpec, board_kinds, firmware_constants, load_board
from kitbridge.errors import KitError

KINDS = ["esp32-devkitc", "microbit-v1", "microbit-v2", "mpython"]
ESP32_TOUCH_GPIOS = {0, 2, 4, 12, 13, 14, 15, 27, 32, 33}
MICROBIT_LABELS = list(range(17)) + [19, 20]
LETTERS = {"in": "I", "out": "O", "analog": "A", "pwm": "P", "touch": "T"}
FIRMWARE_MODULES = ("kb_board", "kb_agent", "kb_sys", "kb_d_pin", "kb_d_button", "kb_d_led")


def constants(spec: BoardSpec) -> dict:
    namespace: dict = {}
    exec(compile(firmware_constants(spec), "kb_board.py", "exec"), namespace)
    return namespace


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


# --- kb_board.py -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_firmware_constants_shapes(kind):
    spec = load_board(kind)
    text = firmware_constants(spec)
    assert text.isascii() and len(text) < 700
    lines = text.splitlines()
    assert lines[0].startswith("# ") and not any("#" in ln for ln in lines[1:])
    c = constants(spec)
    top = max(spec.pins)
    words = c["PINS"].split()
    assert len(words) == top + 1
    for label, word in enumerate(words):
        pin = spec.pins.get(label)
        assert word == ("".join(LETTERS[x] for x in CAPS if x in pin.caps) if pin else "-").ljust(5, ".")
        assert c["PINS"][label * 6:label * 6 + 5] == word  # where the firmware looks, without split()
    assert (c["KIND"], c["HAL"]) == (kind, spec.hal)
    assert (c["RX"], c["LINE"], c["PWM_HZ"]) == (spec.rx_window, spec.max_line, spec.pwm_max_hz)
    assert c["DEV"] == ",".join(spec.devices)
    assert c["BTN"] == "".join(sorted(n[-1] for n in spec.devices if n.startswith("button_")))
    if spec.family == "esp32":
        assert len(c["GPIO"]) == top + 1
        assert all((g == -1) == (words[i] == "-....") for i, g in enumerate(c["GPIO"]))
        assert [g for g in c["GPIO"] if g >= 0] == [p.gpio for p in spec.pins.values()]
        assert len(c["BTNPIN"]) == len(c["BTN"])
        for letter, (gpio, level) in zip(c["BTN"], c["BTNPIN"], strict=True):
            dev = spec.device("button_" + letter)
            assert (gpio, level) == (dev.params["gpio"], dev.params["pressed"])
        led = c["LED"]
        assert led[0] in ("np", "pin")
        if led[0] == "np":
            _, gpio, count, index, bright = led
            assert 0 <= index < count and 0 < bright <= 255 and gpio == spec.device("led").params["gpio"]
        else:
            assert len(led) == 2
    else:
        assert "GPIO" not in c and "BTNPIN" not in c
        x, y = c["LED"]
        assert 0 <= x < 5 and 0 <= y < 5


def test_firmware_constants_mpython_exact_head():
    c = constants(load_board("mpython"))
    assert c["GPIO"][:6] == (33, 32, 35, 34, 39, 0)
    assert c["BTNPIN"] == ((0, 0), (2, 0))
    assert c["LED"] == ("np", 17, 3, 0, 32)
    assert c["PINS"].split()[12] == "-...."


def board_names_used(path):
    """The kb_board constants a firmware file reads (as `B.X` or `kb_board.X`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {"kb_board"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "kb_board"}
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
    }


@pytest.mark.parametrize("kind", KINDS)
def test_firmware_constants_cover_what_the_firmware_reads(kind):
    spec = load_board(kind)
    fw = resources.firmware_dir()
    other = {"esp32": "kb_hal_microbit.py", "microbit": "kb_hal_esp32.py"}[spec.family]
    files = [p for p in sorted(fw.glob("*.py")) if p.name != other]
    used = set().union(*(board_names_used(p) for p in files))
    assert {"PINS", "LED", "BTN"} <= used, "the scan found too little to prove anything"
    # drivers shared by both families read the ESP32-only tables in their ESP32 branch only
    esp32_only = {"GPIO", "BTNPIN"} if spec.family == "microbit" else set()
    missing = used - set(constants(spec)) - esp32_only
    assert not missing, f"{kind}'s kb_board.py lacks {sorted(missing)}"


# --- the real firmware modules, under CPython, with a recording HAL ------------------------


class FakeHal:
    uid = "c0ffee"

    def __init__(self):
        self.out = []
        self.calls = []

    def write(self, s):
        self.out.append(s)

    def ticks(self):
        return 0

    def diff(self, a, b):
        return a - b

    def heap(self):
        return 1234

    def pin(self, n, op, v=0, hz=0):
        self.calls.append((n, op, v, hz))
        return 0

    def led(self, v):
        return 0

    def button(self, letter):
        return False

    def safe(self):
        pass


@pytest.fixture
def firmware(request):
    """Import the real firmware agent against the kb_board.py generated for one kind."""
    kind = request.param
    saved = {name: sys.modules.pop(name, None) for name in FIRMWARE_MODULES}
    kb_board = types.ModuleType("kb_board")
    exec(firmware_constants(load_board(kind)), kb_board.__dict__)
    sys.modules["kb_board"] = kb_board
    sys.path.insert(0, str(resources.firmware_dir()))
    try:
        agent_module = importlib.import_module("kb_agent")
        hal = FakeHal()
        agent = agent_module.Agent(hal)

        def ask(line):
            hal.out.clear()
            agent.feed(line.encode("ascii") + b"\n")
            assert len(hal.out) == 1, hal.out
            return hal.out[0].rstrip("\n")

        yield kind, kb_board, hal, ask
    finally:
        sys.path.remove(str(resources.firmware_dir()))
        for name in FIRMWARE_MODULES:
            sys.modules.pop(name, None)
            if saved[name] is not None:
                sys.modules[name] = saved[name]


@pytest.mark.parametrize("firmware", KINDS, indirect=True)
def test_firmware_runs_on_the_generated_constants(firmware):
    kind, kb_board, hal, ask = firmware
    spec = load_board(kind)
    hello = ask("hello")
    assert hello.startswith("ok proto=1 ")
    assert f"board={kind} " in hello
    assert f" rx={spec.rx_window} line={spec.max_line} " in hello
    assert hello.endswith(" dev=" + ",".join(spec.devices))

    # Error wording belongs to the firmware; what the board definition decides is which
    # labels exist and what each can do.
    for label in range(max(spec.pins) + 2):
        reply = ask(f"pin {label} read")
        if label in spec.pins:
            assert reply == "ok 0", (label, reply)
        else:
            assert reply.startswith(f"err E_PIN no pin {label}"), (label, reply)

    outs = spec.pins_with("out")
    assert ask(f"pin {outs[0]} write 1") == "ok"
    assert hal.calls[-1] == (outs[0], "write", 1, 0)
    if spec.family == "esp32":
        assert kb_board.GPIO[hal.calls[-1][0]] == spec.pin(outs[0]).gpio
    for label, pin in spec.pins.items():
        reply = ask(f"pin {label} write 0")
        if "out" in pin.caps:
            assert reply == "ok" and hal.calls[-1] == (label, "write", 0, 0), (label, reply)
        else:
            assert reply.startswith(f"err E_PIN pin {label} cannot write"), (label, reply)

    assert ask(f"pin {outs[0]} pwm 512 {spec.pwm_max_hz}") == "ok"
    assert hal.calls[-1] == (outs[0], "pwm", 512, spec.pwm_max_hz)
    assert ask(f"pin {outs[0]} pwm 512 {spec.pwm_max_hz + 1}").startswith("err E_RANGE")

    analog = spec.pins_with("analog")
    assert ask(f"pin {analog[0]} analog") == "ok 0"
    assert ask("button a") == "ok 0"
    assert ask("button z").startswith("err E_ARG ")
