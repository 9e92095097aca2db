"""kb_board.py, generated from each board definition: its shape, and the real firmware running on it."""

import ast
import importlib
import sys
import types

import pytest
from kitbridge import resources
from kitbridge.boards import CAPS, BoardSpec, firmware_constants, load_board

KINDS = ["esp32-devkitc", "microbit-v1", "microbit-v2", "mpython"]
LETTERS = {"in": "I", "out": "O", "analog": "A", "pwm": "P", "touch": "T"}
FIRMWARE_MODULES = ("kb_board", "kb_agent", "kb_sys", "kb_d_pin", "kb_d_button", "kb_d_led")


def constants(spec: BoardSpec) -> dict:
    namespace: dict = {}
    exec(compile(firmware_constants(spec), "kb_board.py", "exec"), namespace)
    return namespace


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
