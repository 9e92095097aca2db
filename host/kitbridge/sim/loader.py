"""A fresh, isolated copy of the firmware for one boot of one simulated board.

Each firmware file (firmware/*.py, plus kb_board.py generated from boards/<kind>.toml) is
compiled from its own file and run in a module of its own, whose builtins carry an __import__
that resolves firmware module names and the MicroPython module names to this copy's modules and
fakes; every other name goes to the real import. Nothing goes into sys.modules, so several
boards in one process share no state. Code is compiled under its board file name ("kb_agent.py"),
so tracebacks read like the board's.
"""

from __future__ import annotations

import builtins
import logging
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Modules a MicroPython board provides: never looked up on the host, even when a board kind lacks one.
BOARD_MODULES = frozenset({
    "microbit", "machine", "utime", "time", "neopixel", "sys", "usys", "select", "uselect", "gc",
    "micropython", "esp32", "esp", "network", "music", "radio", "speech", "dht", "framebuf",
})


class Firmware:
    """The firmware's modules as one board's RAM holds them after one boot."""

    def __init__(self, firmware_dir: Path, board_text: str, fakes: Mapping[str, Any],
                 print_fn: Callable[..., None], on_load: Callable[[str, int], None] | None = None,
                 drivers: tuple[str, ...] | None = None) -> None:
        self.firmware_dir = Path(firmware_dir)
        self._drivers = drivers  # as deploy would put on the board: None means every driver
        self.modules: dict[str, types.ModuleType] = {}
        self.main = types.ModuleType("__main__")  # main.py's globals, for a look from tests
        self._board_text = board_text
        self._fakes = dict(fakes)
        self._on_load = on_load
        self.builtins = dict(vars(builtins))
        self.builtins["__import__"] = self._import
        self.builtins["print"] = print_fn

    def run_main(self) -> None:
        """Run main.py as the board does after a reset (its main loop returns only by an exception).

        Without a main.py this returns at once, and the board sits at its REPL."""
        source = self._source("main")
        if source is not None:
            self._exec("__main__", source, "main.py", self.main)

    def _import(self, name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if level:
            raise ImportError("no module named '%s' (relative imports do not work on the board)" % name)
        if name in self.modules:
            return self.modules[name]
        if name in self._fakes:
            return self._fakes[name]
        source = self._source(name)
        if source is not None:
            module = types.ModuleType(name)
            module.__file__ = name + ".py"
            self.modules[name] = module
            try:
                self._exec(name, source, name + ".py", module)
            except BaseException:
                self.modules.pop(name, None)  # as MicroPython does: a failed import leaves nothing behind
                raise
            return module
        if name in BOARD_MODULES or name.startswith("kb_"):
            raise ImportError("no module named '%s'" % name)
        return builtins.__import__(name, globals, locals, fromlist, level)

    def _source(self, name: str) -> str | None:
        if name == "kb_board":
            return self._board_text
        if "." in name or not name.isidentifier():
            return None
        # as deploy does: kb_d_<verb>.py and its parts kb_d_<verb>_<part>.py only for listed drivers
        if name.startswith("kb_d_") and self._drivers is not None and name[5:].split("_")[0] not in self._drivers:
            return None
        path = self.firmware_dir / (name + ".py")
        if not path.is_file():
            return None
        return path.read_text(encoding="utf-8")

    def _exec(self, name: str, source: str, filename: str, module: types.ModuleType) -> None:
        module.__dict__["__builtins__"] = self.builtins
        if self._on_load is not None:
            self._on_load(name, len(source.encode("utf-8")))
        logger.debug("loading %s", filename)
        exec(compile(source, filename, "exec", dont_inherit=True), module.__dict__)
