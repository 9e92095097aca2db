"""The wasm layer: the real firmware files under MicroPython 1.27's WebAssembly port, in Node.

runner.mjs loads MicroPython (npm @micropython/micropython-webassembly-pyscript, which
tools/install-test-deps puts in build/npm), writes firmware/*.py, the fake HAL kb_hal_fake.py, the
checks' helpers and a kb_board.py generated from boards/<kind>.toml (its HAL swapped for the
fake) flat into the port's file system, and runs checks.py. This port's stdin cannot drive a
blocking loop, so the checks drive kb_agent.Agent through feed()/poll() (and main.py through the
fake HAL's read()) and print one JSON result per check; each is asserted here. One run per board kind; the protocol
vectors run in the run of the board kind they assume. The port's heap grows on demand: this
layer proves the firmware's semantics on MicroPython, not its memory (the unix and qemu layers do).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kitbridge.boards import board_kinds, firmware_constants, load_board
from tooling import tool_missing

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PACKAGE = "@micropython/micropython-webassembly-pyscript"
MODULE = ROOT / "build" / "npm" / "node_modules" / PACKAGE / "micropython.mjs"
VECTORS = ROOT / "tests" / "vectors" / "protocol.json"
SUPPORT = ("kb_hal_fake.py", "wasm_helpers.py", "wasm_vectors.py")  # beside checks.py on MicroPython
CHECKS = re.findall(r"^def (check_\w+)\(", (HERE / "checks.py").read_text(encoding="utf-8"), re.M)
VECTOR_SECTIONS = ("checksums", "exchanges", "events", "replies")  # wasm_vectors.VECTORS: the board-side ones
# check or vector name -> reported firmware bug; strict, so a fix turns the test red until removed
KNOWN_BUGS: dict[str, str] = {}
Run = dict[str, Any]


def known_bug(name: str) -> list:
    return [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])] if name in KNOWN_BUGS else []


def board_module(kind: str) -> str:
    """kb_board.py for `kind`, as deploy generates it, but naming the fake HAL."""
    text, swapped = re.subn(r"^HAL = .*$", "HAL = 'kb_hal_fake'", firmware_constants(load_board(kind)), flags=re.M)
    assert swapped == 1, "kb_board.py for %s has no single HAL line:\n%s" % (kind, text)
    return text


@pytest.fixture(scope="session")
def wasm_run(tmp_path_factory) -> Callable[[str], Run]:
    """run(kind): the runner's JSON document for that board kind (one Node run per kind, cached)."""
    node = shutil.which("node")
    if node is None:
        tool_missing("the wasm layer needs Node.js (`node`), which tools/install-test-deps installs")
    if not MODULE.is_file():
        tool_missing("the wasm layer needs npm %s in build/npm (tools/install-test-deps)" % PACKAGE)
    assert node is not None  # tool_missing() skipped or failed
    runs: dict[str, Run] = {}

    def run(kind: str) -> Run:
        if kind not in runs:
            folder = tmp_path_factory.mktemp("wasm-" + kind)
            (folder / "kb_board.py").write_text(board_module(kind), encoding="ascii")
            firmware = sorted(str(p) for p in (ROOT / "firmware").glob("*.py"))
            support = [str(HERE / name) for name in SUPPORT] + [str(folder / "kb_board.py")]
            cmd = [node, str(HERE / "runner.mjs"), "--module", str(MODULE), "--script", str(HERE / "checks.py"),
                   "--vectors", str(VECTORS), *firmware, *support]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                pytest.fail("runner.mjs failed (exit %d): %s" % (proc.returncode, proc.stderr.strip()[-2000:]))
            runs[kind] = json.loads(proc.stdout.strip().splitlines()[-1])
            logger.info("wasm %s: %s, checks ran in %d ms", kind, runs[kind]["micropython"], runs[kind]["ms"])
        return runs[kind]

    return run


def result(doc: Run, name: str) -> dict | None:
    found = [r for r in doc["results"] if r["name"] == name]
    assert len(found) <= 1, "checks.py reported %s %d times" % (name, len(found))
    return found[0] if found else None


@pytest.mark.parametrize("kind", board_kinds())
def test_run_completes(wasm_run, kind):
    doc = wasm_run(kind)
    assert doc["error"] is None, "checks.py stopped:\n" + doc["error"]
    assert doc["done"], "checks.py did not finish"
    assert "MicroPython v1.27" in doc["micropython"], doc["micropython"]
    reported = [r["name"] for r in doc["results"] if r["name"].startswith("check_")]
    assert sorted(reported) == sorted(CHECKS)
    assert doc["console"] == [], "output besides the results (a stray print in the firmware?)"


@pytest.mark.parametrize("check", [pytest.param(c, marks=known_bug(c)) for c in CHECKS])
@pytest.mark.parametrize("kind", board_kinds())
def test_check(wasm_run, kind, check):
    r = result(wasm_run(kind), check)
    assert r is not None, "checks.py did not report %s" % check
    if r["skip"]:
        pytest.skip(r["skip"])
    assert r["ok"], r["detail"]


def vector_params() -> list:
    if not VECTORS.is_file():
        return [pytest.param(None, None, id="absent")]
    doc = json.loads(VECTORS.read_text(encoding="utf-8"))
    params = []
    for section in VECTOR_SECTIONS:
        for i, v in enumerate(doc.get(section, [])):
            label = v.get("name") or v.get("line") or repr(v.get("text"))
            params.append(pytest.param(section, i, id="%s[%d] %s" % (section, i, label[:60]),
                                       marks=known_bug(v.get("name", ""))))
    return params


def vectors_kind() -> str:
    kind = json.loads(VECTORS.read_text(encoding="utf-8"))["board"]["kind"]
    assert kind in board_kinds(), "tests/vectors/protocol.json assumes board kind %r, not in boards/" % kind
    return kind


@pytest.mark.parametrize(("section", "index"), vector_params())
def test_vector(wasm_run, section, index):
    if section is None:
        pytest.skip("tests/vectors/protocol.json is absent: the protocol vectors were not run")
    doc = wasm_run(vectors_kind())
    r = result(doc, "vector %s[%d]" % (section, index))
    if r is None:
        summary = result(doc, "vectors")
        if summary and summary["skip"]:
            pytest.skip(summary["skip"])
        pytest.fail("checks.py did not report vector %s[%d]: %s" % (section, index, summary))
    assert r["ok"], r["detail"]


def test_every_vector_ran(wasm_run):
    if not VECTORS.is_file():
        pytest.skip("tests/vectors/protocol.json is absent: the protocol vectors were not run")
    summary = result(wasm_run(vectors_kind()), "vectors")
    assert summary is not None and summary["ok"], summary
    assert summary["detail"] == "%d vectors run" % len(vector_params())
