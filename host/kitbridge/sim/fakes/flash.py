"""The board's flash file system: `open()` and `os` (listdir, remove, stat) over a dict.

The files belong to the SimBoard, not to one boot, so what the firmware writes survives a reset,
a reboot and restart(), as flash does. Text and binary modes; names are flat (no folders), as on
a micro:bit. Nothing touches the host's disk.
"""

from __future__ import annotations

import io
import types
from typing import Any


class _File(io.StringIO):
    """A text file that saves itself into the board's files when closed."""

    def __init__(self, files: dict[str, bytes], name: str, text: str, saving: bool) -> None:
        super().__init__(text)
        self._files, self._name, self._saving = files, name, saving
        if text and saving:
            self.seek(0, io.SEEK_END)

    def close(self) -> None:
        if not self.closed and self._saving:
            self._files[self._name] = self.getvalue().encode("utf-8")
        super().close()


class _BinaryFile(io.BytesIO):
    def __init__(self, files: dict[str, bytes], name: str, data: bytes, saving: bool) -> None:
        super().__init__(data)
        self._files, self._name, self._saving = files, name, saving
        if data and saving:
            self.seek(0, io.SEEK_END)

    def close(self) -> None:
        if not self.closed and self._saving:
            self._files[self._name] = self.getvalue()
        super().close()


def _name(path: Any) -> str:
    name = str(path).lstrip("/")
    if not name or "/" in name:
        raise OSError(2, "ENOENT")
    return name


def make_open(files: dict[str, bytes]):
    """The board's open(name, mode='r'): modes r, w, a, each with an optional b."""

    def open_(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        name = _name(path)
        kind = mode.replace("b", "").replace("t", "")
        if kind not in ("r", "w", "a"):
            raise ValueError("mode must be r, w or a")
        if kind == "r" and name not in files:
            raise OSError(2, "ENOENT")
        data = b"" if kind == "w" else files.get(name, b"")
        if kind == "w":
            files[name] = b""
        if "b" in mode:
            return _BinaryFile(files, name, data, kind != "r")
        return _File(files, name, data.decode("utf-8"), kind != "r")

    return open_


def make_os(files: dict[str, bytes]) -> types.ModuleType:
    from . import module

    def listdir(path: str = "") -> list[str]:
        return sorted(files)

    def remove(path: Any) -> None:
        name = _name(path)
        if name not in files:
            raise OSError(2, "ENOENT")
        del files[name]

    def stat(path: Any) -> tuple[int, ...]:
        name = _name(path)
        if name not in files:
            raise OSError(2, "ENOENT")
        return (0x8000, 0, 0, 0, 0, 0, len(files[name]), 0, 0, 0)

    return module("os", listdir=listdir, remove=remove, stat=stat, sep="/")
