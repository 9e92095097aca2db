"""Board definitions: boards/<kind>.toml read into BoardSpec, and the firmware's kb_board.py.

The TOML files are the one source of pins, devices and limits. A board's host code asks its
BoardSpec (``load_board("mpython").pin(0).gpio``); deploy writes
``firmware_constants(spec)`` onto the board as kb_board.py.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import quote

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from . import resources

logger = logging.getLogger(__name__)

CAPS = ("in", "out", "analog", "pwm", "touch")
# kb_board.PINS spells each capability as one letter, in this order.
_CAP_LETTERS = {"in": "I", "out": "O", "analog": "A", "pwm": "P", "touch": "T"}
_HAL = {"esp32": "kb_hal_esp32", "microbit": "kb_hal_microbit"}
# kb_d_pin.py accepts pin numbers 0..99.
_MAX_LABEL = 99
_BUTTON = re.compile(r"button_([a-z])")


class UsbId(NamedTuple):
    """A USB serial bridge a board of this kind shows up as."""

    vid: int
    pid: int
    chip: str


@dataclass(frozen=True)
class PinSpec:
    """One edge-connector pin: its label, its chip GPIO number and what it can do."""

    label: int
    gpio: int
    caps: frozenset[str]


@dataclass(frozen=True)
class DeviceSpec:
    """One on-board device: its name, its type and where it is (gpio, pin, bus address...)."""

    name: str
    type: str
    params: Mapping[str, Any] = field(hash=False)


@dataclass(frozen=True)
class BoardSpec:
    """Everything the host knows about one kind of board, read from boards/<kind>.toml."""

    kind: str
    name: str
    name_zh: str
    family: str
    hal: str
    usb: tuple[UsbId, ...]
    baud: int
    rx_window: int
    max_line: int
    pwm_max_hz: int
    heap: int
    pins: Mapping[int, PinSpec] = field(hash=False)
    devices: Mapping[str, DeviceSpec] = field(hash=False)
    drivers: tuple[str, ...] | None = None  # firmware drivers (kb_d_<verb>.py) to deploy; None: all
    frozen: tuple[str, ...] = ()  # firmware files built into the kit's image for this board (images/)

    @property
    def kit_drivers(self) -> tuple[str, ...] | None:
        """The driver verbs of a board the kit set up: deployed ones and those built into the kit's
        image for it (a micro:bit v1 flashed by `kitbridge flash`); None: every driver."""
        if self.drivers is None:
            return None
        built_in = tuple(name[5:-3] for name in self.frozen
                         if name.startswith("kb_d_") and name[5:-3].isalpha() and name[5:-3] not in self.drivers)
        return self.drivers + built_in

    def pin(self, label: int) -> PinSpec:
        """The pin with this label; ValueError naming the board's labels if there is none."""
        if isinstance(label, bool) or not isinstance(label, int):
            raise TypeError(f"pin label must be a whole number, not {label!r}")
        try:
            return self.pins[label]
        except KeyError:
            labels = " ".join(map(str, self.pins))
            raise ValueError(f"{self.name} has no pin {label}; pins: {labels}") from None

    def pins_with(self, cap: str) -> list[int]:
        """Labels of the pins that have capability `cap` (one of CAPS), in order."""
        if cap not in CAPS:
            raise ValueError(f"no pin capability {cap!r}; use one of: {', '.join(CAPS)}")
        return [label for label, pin in self.pins.items() if cap in pin.caps]

    def has(self, device: str) -> bool:
        """True if the board has this on-board device."""
        return device in self.devices

    def device(self, name: str) -> DeviceSpec:
        """The on-board device `name`; ValueError naming the boards that do have one."""
        try:
            return self.devices[name]
        except KeyError:
            pass
        having = [k for k in board_kinds() if load_board(k).has(name)]
        if having:
            where = "boards with one: " + ", ".join(having)
        else:
            where = "no board kind has one"
        mine = ", ".join(self.devices)
        raise ValueError(f"{self.name} has no {name!r} device ({where}); this board has: {mine}")


def board_kinds() -> list[str]:
    """The board kinds there are definitions for, sorted."""
    return sorted(p.stem for p in resources.boards_dir().glob("*.toml"))


@functools.cache
def load_board(kind: str) -> BoardSpec:
    """The BoardSpec of one board kind (read once, then cached)."""
    kinds = board_kinds()
    if kind not in kinds:
        raise ValueError(f"unknown board kind {kind!r}; kinds: {', '.join(kinds)}")
    return load_board_file(resources.boards_dir() / (kind + ".toml"))


def boards_for_usb(vid: int, pid: int) -> list[BoardSpec]:
    """The board kinds that can show up with this USB vendor and product id, by kind."""
    specs = [load_board(k) for k in board_kinds()]
    return [s for s in specs if any(u.vid == vid and u.pid == pid for u in s.usb)]


def load_board_file(path: Path) -> BoardSpec:
    """Read and check one board definition file; ValueError naming the file and field."""
    path = Path(path)
    logger.debug("reading board definition %s", path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}: not valid TOML: {e}") from None
    return _Reader(path, data).board()


class _Reader:
    """Checks one parsed file field by field, so every error names the file and the field."""

    def __init__(self, path: Path, data: dict):
        self.path = path
        self.data = data

    def fail(self, where: str, what: str) -> ValueError:
        return ValueError(f"{self.path}: {where}: {what}")

    def get(self, table: dict, key: str, kind: type, where: str) -> Any:
        name = where + "." + key if where else key
        if key not in table:
            raise self.fail(name, "missing")
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"should be {kind.__name__}, not {value!r}")
        return value

    def positive(self, table: dict, key: str, where: str) -> int:
        value = self.get(table, key, int, where)
        if value <= 0:
            raise self.fail(f"{where}.{key}", f"should be above 0, not {value}")
        return value

    def board(self) -> BoardSpec:
        d = self.data
        kind = self.get(d, "kind", str, "")
        if kind != self.path.stem:
            raise self.fail("kind", f"{kind!r} should match the file name {self.path.stem!r}")
        family = self.get(d, "family", str, "")
        if family not in _HAL:
            raise self.fail("family", f"{family!r} is not one of: {', '.join(_HAL)}")
        names = self.get(d, "name", dict, "")
        limits = self.get(d, "limits", dict, "")
        pins = self.pins(self.get(d, "pins", dict, ""))
        devices = self.devices(self.get(d, "devices", dict, ""), family)
        return BoardSpec(
            kind=kind,
            name=self.get(names, "en", str, "name"),
            name_zh=self.get(names, "zh-CN", str, "name"),
            family=family,
            hal=_HAL[family],
            usb=self.usb(self.get(d, "usb", list, "")),
            baud=self.positive(d, "baud", ""),
            rx_window=self.positive(limits, "rx_window", "limits"),
            max_line=self.positive(limits, "max_line", "limits"),
            pwm_max_hz=self.positive(limits, "pwm_max_hz", "limits"),
            heap=self.positive(limits, "heap", "limits"),
            pins=pins,
            devices=devices,
            drivers=self.drivers(d.get("firmware", {})),
            frozen=self.frozen(d.get("firmware", {})),
        )

    def drivers(self, firmware: object) -> tuple[str, ...] | None:
        # a small board (micro:bit v1: ~30 KB of files, ~9 KB of heap) lists what it gets
        if not isinstance(firmware, dict):
            raise self.fail("firmware", "should be a table")
        if "drivers" not in firmware:
            return None
        names = firmware["drivers"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.isalpha() for n in names):
            raise self.fail("firmware.drivers", "should be a list of driver verbs like [\"tone\", \"accel\"]")
        return tuple(names)

    def frozen(self, firmware: dict) -> tuple[str, ...]:
        names = firmware.get("frozen", [])
        if not isinstance(names, list) or not all(isinstance(n, str) and n.endswith(".py") for n in names):
            raise self.fail("firmware.frozen", "should be a list of firmware file names like [\"kb_agent.py\"]")
        return tuple(names)

    def usb(self, entries: list) -> tuple[UsbId, ...]:
        if not entries:
            raise self.fail("usb", "give at least one [[usb]] entry")
        ids = []
        for i, entry in enumerate(entries):
            where = f"usb[{i}]"
            if not isinstance(entry, dict):
                raise self.fail(where, "should be a table with vid, pid and chip")
            hexes = []
            for key in ("vid", "pid"):
                text = self.get(entry, key, str, where)
                if not re.fullmatch(r"[0-9A-Fa-f]{4}", text):
                    raise self.fail(f"{where}.{key}", f'{text!r} should be 4 hex digits like "10C4"')
                hexes.append(int(text, 16))
            ids.append(UsbId(hexes[0], hexes[1], self.get(entry, "chip", str, where)))
        return tuple(ids)

    def pins(self, table: dict) -> Mapping[int, PinSpec]:
        pins = {}
        for key, entry in table.items():
            where = "pins." + key
            if not key.isdigit() or int(key) > _MAX_LABEL:
                raise self.fail(where, f"a pin label should be a number 0..{_MAX_LABEL}")
            if not isinstance(entry, dict):
                raise self.fail(where, 'should be a table like { gpio = 33, caps = ["in"] }')
            gpio = self.get(entry, "gpio", int, where)
            if gpio < 0:
                raise self.fail(where + ".gpio", f"should be 0 or above, not {gpio}")
            caps = self.get(entry, "caps", list, where)
            bad = [c for c in caps if c not in CAPS]
            if bad or not caps:
                raise self.fail(where + ".caps", f"{bad or caps!r}: use some of: {', '.join(CAPS)}")
            pins[int(key)] = PinSpec(int(key), gpio, frozenset(caps))
        if not pins:
            raise self.fail("pins", "no pins")
        return MappingProxyType(dict(sorted(pins.items())))

    def devices(self, table: dict, family: str) -> Mapping[str, DeviceSpec]:
        devices = {}
        for name, entry in table.items():
            where = "devices." + name
            if not isinstance(entry, dict):
                raise self.fail(where, 'should be a table like { type = "button", ... }')
            dtype = self.get(entry, "type", str, where)
            params = {k: _frozen(v) for k, v in entry.items() if k != "type"}
            devices[name] = DeviceSpec(name, dtype, MappingProxyType(params))
        # What the firmware needs from every board (see firmware_constants).
        if "led" not in devices:
            raise self.fail("devices.led", "missing: the firmware's `led` verb needs one")
        _led_tuple(devices["led"], family, lambda what: self.fail("devices.led", what))
        for name, dev in devices.items():
            if _BUTTON.fullmatch(name) and family == "esp32":
                for key in ("gpio", "pressed"):
                    self.get(dict(dev.params), key, int, "devices." + name)
        return MappingProxyType(devices)


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


def _led_tuple(led: DeviceSpec, family: str, fail: Callable[[str], ValueError]) -> tuple:
    """kb_board.LED for this board: what kb_hal_esp32.led / kb_hal_microbit.led expect."""
    p = led.params
    try:
        if family == "microbit" and led.type == "matrix":
            return (p["x"], p["y"])
        if family == "esp32" and led.type == "neopixel":
            return ("np", p["gpio"], p["count"], p["index"], p["brightness"])
        if family == "esp32" and led.type == "gpio":
            return ("pin", p["gpio"])
    except KeyError as e:
        raise fail(f"a {led.type} led needs {e.args[0]}") from None
    kinds = "matrix" if family == "microbit" else "neopixel or gpio"
    raise fail(f"type {led.type!r}: the {family} firmware drives a {kinds} led")


def firmware_constants(spec: BoardSpec, label: str = "", boot: tuple[str, ...] = ()) -> str:
    """The text of kb_board.py for this board: the constants the firmware reads.

    Small on purpose: a micro:bit v1 imports it into a ~9 KB heap. `label` (a teacher's name
    for the board, see kitbridge.labels) rides at the end of DEV, the last word of `hello`.
    `boot` names the modules whose boot(ag) main.py calls at power-on.
    """
    # hello ends with DEV, so a label there costs the board no code (measured: a LABEL constant
    # printed by kb_sys cost ~50 bytes of a micro:bit v1's ~1.8 KB free heap; this costs none)
    suffix = " label=" + quote(label, safe="") if label else ""
    top = max(spec.pins)
    words = []
    for n in range(top + 1):
        pin = spec.pins.get(n)
        # fixed width, so the board finds pin n at n * 6 without splitting the string (heap)
        words.append(("".join(_CAP_LETTERS[c] for c in CAPS if c in pin.caps) if pin else "-").ljust(5, "."))
    # button_a, button_b ... become BTN letters; kb_agent scans them in this order.
    buttons = sorted((n[-1], d) for n, d in spec.devices.items() if _BUTTON.fullmatch(n))
    lines = [
        f"# kb_board for {spec.kind}, generated by kitbridge from boards/{spec.kind}.toml",
        f"KIND = {spec.kind!r}",
        f"HAL = {spec.hal!r}",
        f"RX = {spec.rx_window}",
        f"LINE = {spec.max_line}",
        f"PWM_HZ = {spec.pwm_max_hz}",
        f"PINS = {' '.join(words)!r}",
    ]
    if spec.family == "esp32":
        gpio = tuple(spec.pins[i].gpio if i in spec.pins else -1 for i in range(top + 1))
        lines.append(f"GPIO = {gpio!r}")
    lines.append(f"BTN = {''.join(letter for letter, _ in buttons)!r}")
    if spec.family == "esp32":
        btnpin = tuple((d.params["gpio"], d.params["pressed"]) for _, d in buttons)
        lines.append(f"BTNPIN = {btnpin!r}")

    def fail(what: str) -> ValueError:
        return ValueError(f"boards/{spec.kind}.toml: devices.led: {what}")

    if "led" not in spec.devices:
        raise fail("missing: the firmware's `led` verb needs one")
    lines.append(f"LED = {_led_tuple(spec.devices['led'], spec.family, fail)!r}")
    lines.append(f"DEV = {','.join(spec.devices) + suffix!r}")
    if boot:  # absent, not empty, where there are none: every name costs a micro:bit v1 heap
        lines.append(f"BOOT = {tuple(boot)!r}")
    return "\n".join(lines) + "\n"
