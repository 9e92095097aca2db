"""Which firmware files a board of a given kind gets, and the manifest that remembers them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from .. import resources
from ..boards import BoardSpec, firmware_constants
from ..errors import DeployError

MANIFEST = "kb_manifest.txt"
BOARD_MODULE = "kb_board.py"
_REQUIRED = ("main.py", "kb_agent.py", "kb_sys.py")
_FAMILY_ONLY = {"kb_net.py": "esp32"}  # the MQTT link needs Wi-Fi
_VERSION = re.compile(rb"^FW = '([^']+)'", re.MULTILINE)
_BOOT_HOOK = re.compile(rb"^def boot\(ag\):", re.MULTILINE)
# An image with main.py built in (as kb_main) gets this main.py. It is one piece of a deploy's
# writes, so a cut deploy leaves none or all of it (a half-written main.py would run, or scroll
# its error for seconds on a micro:bit). kb_board is imported first: compiled from deep inside
# kb_main's imports it would exceed the v1's C stack ("maximum recursion depth exceeded").
MAIN_IMPORT = b"import kb_board,kb_main as m\nm.serve()\n"
_BOOT_BLOCK = re.compile(rb"^ *# boot hooks \{$.*?^ *# \}\n", re.MULTILINE | re.DOTALL)


def deploy_files(spec: BoardSpec, label: str = "", built_in: Mapping[str, str] | None = None
                 ) -> dict[str, bytes]:
    """name -> content of every file a board of this kind needs, main.py last.

    Every firmware/*.py (main.py, the core, the drivers kb_d_*.py, or only those the board
    definition's firmware.drivers lists) except the other board families' HALs, plus
    kb_board.py made from the board definition (and the board's label, if it has one).
    `built_in` (name -> sha256 of its source, kb_frozen.FILES on the board) names the files the
    board's MicroPython image already holds (the kit's micro:bit v1 image): they are left out,
    and their boot hooks count. DeployError if one is not this kitbridge's file.
    """
    files = _firmware_files(spec)
    frozen = built_in_files(built_in or {})
    for name in frozen:
        if name != "main.py":
            files.pop(name, None)
    main = files.pop("main.py")
    boot = boot_modules({**files, **frozen})
    files[BOARD_MODULE] = firmware_constants(spec, label, boot).encode("utf-8")
    if "main.py" in frozen:
        files["main.py"] = MAIN_IMPORT
    else:
        files["main.py"] = main if boot else _BOOT_BLOCK.sub(b"", main)
    return files


def boot_modules(files: dict[str, bytes]) -> tuple[str, ...]:
    """The modules among `files` that have a boot(ag) hook for main.py to call at power-on."""
    return tuple(name[:-3] for name, data in sorted(files.items()) if _BOOT_HOOK.search(data))


def built_in_files(built_in: Mapping[str, str], folder: Path | None = None) -> dict[str, bytes]:
    """name -> this kitbridge's source of each file a board image has built in, checked by hash."""
    folder = folder or resources.firmware_dir()
    out = {}
    for name, sha in sorted(built_in.items()):
        path = folder / name
        data = path.read_bytes() if path.is_file() else None
        if data is None or digest(data) != sha:
            raise DeployError(
                f"this board's MicroPython image has {name} of another kitbridge version built in, which "
                "would run instead of this version's: flash this version's image first (`kitbridge flash "
                "--port PORT`; your own files on the board are lost), then deploy again")
        out[name] = data
    return out


def board_module(spec: BoardSpec, label: str = "", files: dict[str, bytes] | None = None,
                 folder: Path | None = None) -> str:
    """The text of kb_board.py for this board, with BOOT naming the deployed modules that have
    a `boot(ag)` hook (a stored model, the Wi-Fi link), so main.py starts them at power-on."""
    files = _firmware_files(spec, folder) if files is None else files
    return firmware_constants(spec, label, boot_modules(files))


def _firmware_files(spec: BoardSpec, folder: Path | None = None) -> dict[str, bytes]:
    folder = folder or resources.firmware_dir()
    hal = spec.hal + ".py"
    drivers = None if spec.drivers is None else {f"kb_d_{verb}.py" for verb in spec.drivers}

    def wanted(name: str) -> bool:
        part = re.fullmatch(r"(kb_d_[A-Za-z]+)_\w+\.py", name)
        if part:  # kb_d_<verb>_<part>.py is part of driver <verb>: it goes wherever kb_d_<verb>.py goes
            driver = part.group(1) + ".py"
            return (folder / driver).is_file() and wanted(driver)
        if name == BOARD_MODULE or (name.startswith("kb_hal_") and name != hal):
            return False
        if _FAMILY_ONLY.get(name, spec.family) != spec.family:
            return False
        return drivers is None or not name.startswith("kb_d_") or name in drivers

    names = sorted(p.name for p in folder.glob("*.py") if wanted(p.name))
    for name in _REQUIRED + (hal,):
        if name not in names:
            raise DeployError(f"firmware file {name} is missing from {folder}; the installation is incomplete: "
                              "reinstall kitbridge")
    return {name: (folder / name).read_bytes() for name in names}


def firmware_version(files: dict[str, bytes]) -> str:
    """The FW version string kb_agent.py declares (what `hello` will report)."""
    found = _VERSION.search(files.get("kb_agent.py", b""))
    if not found:
        raise DeployError("firmware/kb_agent.py declares no FW = '...' version; the firmware files are damaged")
    return found.group(1).decode("ascii")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(files: dict[str, bytes]) -> str:
    """One 'sha256 name' line per file, as sha256sum writes them (hashes computed here, not on the board)."""
    return "".join(f"{digest(data)} {name}\n" for name, data in files.items())


def parse_manifest(text: str) -> dict[str, str]:
    """name -> sha256 from a manifest; lines that do not parse are ignored (that file is resent)."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            out[parts[1]] = parts[0]
    return out
