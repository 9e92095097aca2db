"""The firmware calls only what each board's MicroPython has: mypy against MicroPython stubs.

For each board kind, the HAL of its family, kb_agent.py, kb_sys.py, main.py and a kb_board.py
generated from boards/<kind>.toml go into a temporary folder with two generated files:
kb_contract.py calls every function and reads every value of the HAL interface the agent relies
on (kb_board.HAL must provide them all), and kb_canary.py calls APIs the board does not have,
which mypy must report line by line: proof that the stubs, not Any, stood behind the check.

mypy needs the stubs as a typeshed, because time, sys, select, gc and the like are standard
library names to it. The test assembles one per family from installed distributions:
micropython-stdlib-stubs (typeshed layout: stdlib/, stubs/, and _mpy_shed/) as the base, and
the board's stub modules added to its stdlib/ and VERSIONS, the base keeping the names it has.

    esp32 family     micropython-esp32-stubs (MicroPython 1.29, ESP32_GENERIC)
    microbit family  micropython-microbit-stubs-en 0.0.1b2 (micro:bit Foundation)

The micro:bit stubs install and are useful, within limits:
- They ship a partial typeshed meant for Pyright: no stdlib/VERSIONS, no collections.abc,
  _collections_abc and others mypy requires, so mypy refuses them as a typeshed alone. Their
  board modules (microbit, utime, machine, gc, music, ...) on the base above check fine.
- They describe MicroPython for micro:bit V2. A call that only V2 has (microbit.audio,
  speaker, run_every) passes for a v1; the qemu layer is what catches those.
- kb_hal_microbit.py reaches pins with getattr(M, 'pin%d' % n), which mypy sees as Any: pin
  methods are not checked. uart, display, buttons, sleep, reset, utime, machine.unique_id and
  gc are, and so is the HAL contract.
- Both distributions install a top-level site-packages/stdlib/; nine core files (builtins,
  typing, types, abc, ...) of one overwrite the other's, whichever pip installs last. Either
  set works for both checks (tried both ways); only removing one package breaks the other.

Style is not checked: the firmware has no annotations (bodies are checked all the same), and
it reuses names to save RAM (flexible redefinition allowed). Stub errors where the stub is
narrower than the real MicroPython are listed in STUB_GAPS with the reason; nothing else
may be reported. Skips without mypy or the stubs, except on CI (CI=true), where it fails.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kitbridge.boards import board_kinds, firmware_constants, load_board
from tooling import tool_missing

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"
SHARED = ("kb_agent.py", "kb_sys.py", "main.py")
BASE = "micropython-stdlib-stubs"
STUBS = {"esp32": "micropython-esp32-stubs", "microbit": "micropython-microbit-stubs-en"}

MYPY_INI = """\
[mypy]
custom_typeshed_dir = {typeshed}
cache_dir = {cache}
# only the stubs: nothing from the CPython environment this test runs in
no_site_packages = True
# the firmware has no annotations; without this mypy would skip every function body
check_untyped_defs = True
# `d = 0` then `d = module`, `x = x.args`: names reused to save RAM, not errors
allow_redefinition_new = True
local_partial_types = True
disable_error_code = var-annotated
"""

# The HAL interface (CONTEXT: read, write, idle, ticks, diff, uid, heap, pin, led, button, safe, reboot)
CONTRACT = """\
import {hal} as H


def contract():
    H.read()
    H.write('@1 ok *0000\\n')
    H.idle(1)
    t = H.ticks()
    H.diff(t, t)
    H.uid + ''
    H.heap() + 0
    H.pin(0, 'read', 0, 0)
    H.led(None)
    H.led(1)
    H.button('a')
    H.safe()
    H.reboot()
"""

# Each line marked `# !` must be reported, and nothing else in the file.
CANARY = {
    "esp32": """\
import machine
import select
import sys
import time
import microbit  # !


def canary():
    time.ticks_msec()  # !
    machine.Pin(2).valu(1)  # !
    machine.PWM(machine.Pin(2)).duty_u8(1)  # !
    select.pol()  # !
    sys.stdin.buffer.raed(1)  # !
""",
    "microbit": """\
import gc
import machine
import microbit
import utime
import network  # !


def canary():
    microbit.uart.raed()  # !
    microbit.display.set_pixel(2, 2)  # !
    microbit.button_a.is_presed()  # !
    utime.ticks_msec()  # !
    machine.unique_idx()  # !
    gc.mem_fre()  # !
""",
}

# (file, pattern of mypy's message) where the stub is narrower than the board, with why the firmware is right;
# a pattern, not the text: the wording depends on which core stubs won the shared stdlib/ (see above)
STUB_GAPS = {
    ("kb_hal_esp32.py", r'^Argument 3 to "Pin" has incompatible type "int \| None"; expected "int"$'):
        "MicroPython takes pull=None for no pull (ports/esp32/machine_pin.c); the stub says int",
    ("kb_contract.py", r'"write" of "IO" .*"str"'):
        "the ESP32 HAL's write is sys.stdout.buffer.write, which takes a str on MicroPython "
        "(str has the buffer protocol there); the stub copies CPython's bytes-only IO",
}


def stub_gap(error: dict[str, str]) -> bool:
    return any(error["file"] == file and re.search(pattern, error["message"]) for file, pattern in STUB_GAPS)


_ERROR = re.compile(r"(?P<file>[^:\s]+\.py):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z-]+)\])?$")


def distribution(name: str) -> importlib.metadata.Distribution:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    tool_missing(f"the firmware type check needs the stubs {name} (pip install -e '.[test]')")
    raise AssertionError("unreachable: tool_missing skips or fails")


def copy_stub(dist: importlib.metadata.Distribution, file: importlib.metadata.PackagePath, dest: Path) -> None:
    source = Path(str(dist.locate_file(file)))
    if not source.is_file():
        tool_missing(f"{dist.metadata['Name']} lacks {file} (another stub package may have removed it): "
                     f"pip install --force-reinstall --no-deps {dist.metadata['Name']}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def build_typeshed(board_stubs: str, folder: Path) -> Path:
    """A typeshed for mypy: micropython-stdlib-stubs, plus the board's modules it does not have."""
    base = distribution(BASE)
    stdlib = folder / "stdlib"
    for file in base.files or []:
        if file.suffix == ".pyi" and file.parts[0] in ("stdlib", "stubs"):
            copy_stub(base, file, folder / file)
        elif file.suffix == ".pyi" and file.parts[0] == "_mpy_shed":
            copy_stub(base, file, stdlib / file)
    copy_stub(base, importlib.metadata.PackagePath("stdlib/VERSIONS"), stdlib / "VERSIONS")
    versions = (stdlib / "VERSIONS").read_text()
    known = {line.split(":")[0].strip() for line in versions.splitlines() if ":" in line}
    have = {p.name.removesuffix(".pyi") for p in stdlib.iterdir()}
    board = distribution(board_stubs)
    added: set[str] = set()
    for file in board.files or []:
        if file.suffix != ".pyi":
            continue
        parts = file.parts[1:] if file.parts[0] == "stdlib" else file.parts
        name = parts[0].removesuffix(".pyi")
        if name in have:
            continue  # builtins, typing, sys, os ...: the base's, which mypy can use
        copy_stub(board, file, stdlib.joinpath(*parts))
        added.add(name)
    (stdlib / "VERSIONS").write_text(versions + "".join(f"{name}: 3.0-\n" for name in sorted(added - known)))
    return folder


@pytest.fixture(scope="session")
def mypy_ready() -> None:
    if importlib.util.find_spec("mypy") is None:
        tool_missing("the firmware type check needs mypy (pip install -e '.[test]')")


@pytest.fixture(scope="session")
def typeshed(mypy_ready, tmp_path_factory):
    built: dict[str, Path] = {}

    def get(family: str) -> Path:
        if family not in built:
            built[family] = build_typeshed(STUBS[family], tmp_path_factory.mktemp(f"typeshed-{family}"))
        return built[family]

    return get


def board_constants(spec) -> str:
    """kb_board.py for this board, with LED typed as any tuple: its shape depends on the LED's kind
    (('np', gpio, count, index, brightness), ('pin', gpio), (x, y)) and the HAL branches on it at run
    time, which mypy cannot follow from one board's literal."""
    text, count = re.subn(r"^LED = ", "LED: tuple = ", firmware_constants(spec), flags=re.MULTILINE)
    assert count == 1, f"kb_board.py for {spec.kind} has no LED line:\n{text}"
    return text


def run_mypy(folder: Path, typeshed: Path, cache: Path) -> list[dict[str, str]]:
    config = folder / "mypy.ini"
    config.write_text(MYPY_INI.format(typeshed=typeshed, cache=cache))
    files = sorted(p.name for p in folder.glob("*.py"))
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config), "--no-error-summary",
                           "--no-pretty", "--no-color-output", "--hide-error-context", *files],
                          check=False, cwd=folder, capture_output=True, text=True, timeout=300)
    errors = [m.groupdict() for m in map(_ERROR.match, done.stdout.splitlines()) if m]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not errors):
        pytest.fail(f"mypy failed to run (exit {done.returncode}):\n{done.stdout}{done.stderr}", pytrace=False)
    return errors


@pytest.mark.parametrize("kind", board_kinds())
def test_firmware_calls_only_what_the_board_has(kind, typeshed, tmp_path, tmp_path_factory):
    spec = load_board(kind)
    src = tmp_path / "src"
    src.mkdir()
    for name in (f"{spec.hal}.py", *SHARED):
        shutil.copyfile(FIRMWARE / name, src / name)
    (src / "kb_board.py").write_text(board_constants(spec))
    (src / "kb_contract.py").write_text(CONTRACT.format(hal=spec.hal))
    canary = CANARY[spec.family]
    (src / "kb_canary.py").write_text(canary)

    errors = run_mypy(src, typeshed(spec.family), tmp_path_factory.getbasetemp() / f"mypy-cache-{spec.family}")

    marked = {n for n, line in enumerate(canary.splitlines(), 1) if line.endswith("# !")}
    flagged = {int(e["line"]) for e in errors if e["file"] == "kb_canary.py"}
    assert flagged == marked, (f"mypy did not see the {STUBS[spec.family]} stubs: it reported canary lines "
                               f"{sorted(flagged)}, not {sorted(marked)}")
    real = [e for e in errors if e["file"] != "kb_canary.py" and not stub_gap(e)]
    assert not real, f"the {kind} firmware calls what its MicroPython lacks:\n" + "\n".join(
        f"{e['file']}:{e['line']}: {e['message']} [{e['code']}]" for e in real)
