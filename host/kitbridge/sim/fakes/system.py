"""Fake `sys`, `select`, `gc` and `micropython`.

On an ESP32 the serial line is sys.stdin / sys.stdout: stdin.buffer.read(n) blocks for n bytes,
select.poll() waits on it with a timeout and wakes early on input. stdout.write cooks "\\n" into
"\\r\\n" as MicroPython does; stdout.buffer.write is raw and takes str or bytes, as there.
"""

from __future__ import annotations

import types
from typing import Any

from ..runtime import Runtime

POLLIN, POLLOUT, POLLERR, POLLHUP = 1, 4, 8, 16

_VERSION = {"esp32": (1, 23, 0), "microbit-v1": (1, 9, 2), "microbit-v2": (1, 23, 0)}


def _as_bytes(data: Any) -> bytes:
    return bytes(data, "utf-8") if isinstance(data, str) else bytes(data)


def make_sys(rt: Runtime) -> types.ModuleType:
    from . import module

    version = _VERSION.get(rt.spec.kind, _VERSION.get(rt.family, (1, 23, 0)))
    m = module(
        "sys",
        platform="microbit" if rt.family == "microbit" else "esp32",
        implementation=types.SimpleNamespace(name="micropython", version=version),
        version="3.4.0; MicroPython v%d.%d.%d" % version,
        byteorder="little",
        maxsize=(1 << 31) - 1,
        argv=[],
        path=["", "/lib"],
        modules={},  # the board replaces it with its firmware's own module table
    )

    def exit(code: Any = 0) -> None:
        raise SystemExit(code)

    def print_exception(exc: BaseException, file: Any = None) -> None:
        from ..repl import board_traceback

        text = board_traceback(exc)
        if file is None:
            rt.console(text)
        else:
            file.write(text)

    vars(m).update(exit=exit, print_exception=print_exception)
    if rt.family == "microbit":
        return m  # micro:bit MicroPython has no sys.stdin: the firmware must use microbit.uart

    class StdinBuffer:
        def read(self, n: int = -1) -> bytes:
            """n bytes, waiting for them all; n < 0: what is there after waiting for one."""
            out = b""
            while n < 0 or len(out) < n:
                rt.wait_input(None)
                out += rt.line.read(-1 if n < 0 else n - len(out))
                if n < 0:
                    break
            return out

        def readinto(self, buf: bytearray) -> int:
            data = self.read(len(buf))
            buf[:len(data)] = data
            return len(data)

    class Stdin:
        buffer = StdinBuffer()

        def read(self, n: int = -1) -> str:
            return str(self.buffer.read(n), "utf-8")

        def readline(self) -> str:
            out = b""
            while not out.endswith(b"\n"):
                out += self.buffer.read(1)
            return str(out, "utf-8")

        def _sim_poll(self, mask: int) -> int:
            return POLLIN & mask if rt.line.any() else 0

    class StdoutBuffer:
        def write(self, data: Any) -> int:
            data = _as_bytes(data)
            rt.line.write(data)
            return len(data)

    class Stdout:
        buffer = StdoutBuffer()

        def write(self, text: str) -> int:
            rt.console(text)
            return len(text)

        def flush(self) -> None:
            pass

        def _sim_poll(self, mask: int) -> int:
            return POLLOUT & mask

    stdout = Stdout()
    vars(m).update(stdin=Stdin(), stdout=stdout, stderr=stdout)
    return m


def make_select(rt: Runtime) -> types.ModuleType:
    from . import module

    class Poll:
        def __init__(self) -> None:
            self._registered: list[list[Any]] = []

        def register(self, obj: Any, mask: int = POLLIN | POLLOUT) -> None:
            if not hasattr(obj, "_sim_poll"):
                raise TypeError("object with stream.ioctl required")
            for entry in self._registered:
                if entry[0] is obj:
                    entry[1] = mask
                    return
            self._registered.append([obj, mask])

        def modify(self, obj: Any, mask: int) -> None:
            for entry in self._registered:
                if entry[0] is obj:
                    entry[1] = mask
                    return
            raise OSError(2, "ENOENT")

        def unregister(self, obj: Any) -> None:
            self._registered = [e for e in self._registered if e[0] is not obj]

        def _ready(self) -> list[tuple[Any, int]]:
            out = []
            for obj, mask in self._registered:
                flags = obj._sim_poll(mask)
                if flags:
                    out.append((obj, flags))
            return out

        def poll(self, timeout: int = -1) -> list[tuple[Any, int]]:
            """Registered objects that are ready, waiting up to `timeout` ms (negative: for ever)."""
            rt.check()
            ready = self._ready()
            if ready or timeout == 0:
                return ready
            rt.wait_input(None if timeout is None or timeout < 0 else timeout / 1000)
            return self._ready()

        def ipoll(self, timeout: int = -1, flags: int = 0) -> Any:
            return iter(self.poll(timeout))

    return module("select", poll=Poll, POLLIN=POLLIN, POLLOUT=POLLOUT, POLLERR=POLLERR, POLLHUP=POLLHUP)


def make_gc(rt: Runtime) -> types.ModuleType:
    """mem_free() is the board's free heap after boot (boards/<kind>.toml) less the firmware source loaded."""
    from . import module

    state = {"enabled": True, "threshold": -1}

    def mem_free() -> int:
        return max(0, rt.spec.heap - rt.heap_used)

    def threshold(amount: int | None = None) -> int | None:
        if amount is None:
            return state["threshold"]
        state["threshold"] = amount
        return None

    return module(
        "gc",
        collect=lambda: None,
        mem_free=mem_free,
        mem_alloc=lambda: rt.heap_used,
        enable=lambda: state.update(enabled=True),
        disable=lambda: state.update(enabled=False),
        isenabled=lambda: state["enabled"],
        threshold=threshold,
    )


def make_micropython(rt: Runtime) -> types.ModuleType:
    from . import module

    def kbd_intr(char: int) -> None:
        if isinstance(char, bool) or not isinstance(char, int) or not -1 <= char <= 255:
            raise ValueError("kbd_intr needs a character code 0..255, or -1 to turn Ctrl-C off")
        rt.line.interrupt_char = char

    def mem_info(verbose: Any = None) -> None:
        used = rt.heap_used
        rt.console("stack: 0 out of 0\nGC: total: %d, used: %d, free: %d\n" % (rt.spec.heap, used, rt.spec.heap - used))

    return module(
        "micropython",
        const=lambda value: value,
        kbd_intr=kbd_intr,
        opt_level=lambda level=None: 0 if level is None else None,
        mem_info=mem_info,
        alloc_emergency_exception_buf=lambda size: None,
        heap_lock=lambda: 0,
        heap_unlock=lambda: 0,
    )
