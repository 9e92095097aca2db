"""A BBC micro:bit v1 under QEMU, running Debian's MicroPython 1.9.2, with buttons and GPIO.

    with QemuMicrobit() as board:           # boots in ~0.1 s
        board.repl.interrupt(); board.repl.enter()
        board.repl.exec("print(1+2)")
        board.press("a"); board.gpio_out()

Needs `apt-get install qemu-system-arm firmware-microbit-micropython`. Buttons and the GPIO
register go through QEMU's qtest socket, as QEMU's own tests/qtest/microbit-test.c does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import serial

from ..errors import BoardNotFound, ConnectionLost, KitTimeout
from .rawrepl import RawRepl

if TYPE_CHECKING:
    from ..deploy import DeployReport

logger = logging.getLogger(__name__)

DEBIAN_HEX = Path("/usr/share/firmware-microbit-micropython/firmware.hex")  # Debian's own build
FLASH_SIZE = 256 * 1024  # the nRF51822's flash; the hex also holds UICR far above it
QEMU = "qemu-system-arm"
_BUTTON_GPIO = {"a": 17, "b": 26}  # nRF51 GPIO lines of the buttons; pressed pulls them low
_GPIO_OUT = 0x50000504
_PTY = re.compile(r"char device redirected to (\S+)")
# Virtual time from instruction counts, 2**6 ns each (~16 MIPS, the nRF51's own speed). Without
# it, a host busy for a few ms makes the guest miss a compare of its 24-bit tick timer, and the
# display and button scan stop for 16.8 s (measured: 3 boots in 30 under a deploy).
ICOUNT = "shift=6"


def cache_dir() -> Path:
    """Where prepared flash images are kept: $XDG_CACHE_HOME/kitbridge or ~/.cache/kitbridge."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kitbridge"


def kit_hex() -> Path:
    """The kit's micro:bit v1 image (its MicroPython with the kit's core built in, images/):
    what `kitbridge flash` puts on a v1, and what the emulated board runs unless told otherwise."""
    from ..resources import images_dir

    return images_dir() / "microbit-v1.hex"


def firmware_hex_named(name: str) -> Path:
    """`kit` (the kit's image), `debian` (Debian's firmware-microbit-micropython) or a .hex path."""
    if name == "kit":
        return kit_hex()
    return DEBIAN_HEX if name == "debian" else Path(name)


def missing_tools(firmware_hex: Path | None = None) -> list[str]:
    """What is missing to run this board, each with its fix; empty when all is there."""
    firmware_hex = Path(firmware_hex or kit_hex())
    missing = []
    if not shutil.which(QEMU):
        missing.append(f"{QEMU} (apt-get install qemu-system-arm)")
    if not firmware_hex.is_file():
        fix = {DEBIAN_HEX: "apt-get install firmware-microbit-micropython",
               kit_hex(): "reinstall kitbridge"}.get(firmware_hex, "check the name")
        missing.append(f"{firmware_hex} ({fix})")
    return missing


def flash_image(firmware_hex: Path = DEBIAN_HEX, cache: Path | None = None) -> Path:
    """The 256 KiB flash image made from an Intel HEX firmware, built once and cached.

    Same bytes as `objcopy -I ihex -O binary` cut to 256 KiB, except that gaps hold 0xFF
    (erased flash, as on a real board) instead of 0x00; read here so binutils is not needed.
    """
    firmware_hex = Path(firmware_hex)
    try:
        text = firmware_hex.read_bytes()
    except OSError as exc:
        raise BoardNotFound(f"no micro:bit firmware at {firmware_hex} ({exc.strerror or exc}); "
                            f"{missing_tools(firmware_hex)[-1]}") from exc
    folder = Path(cache) if cache else cache_dir()
    image = folder / f"microbit-{hashlib.sha256(text).hexdigest()[:16]}.bin"
    if image.is_file() and image.stat().st_size == FLASH_SIZE:
        return image
    data = _hex_to_flash(text.decode("ascii", "replace"), firmware_hex)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, image)  # atomic: a parallel test run never sees half an image
    logger.info("prepared micro:bit flash image %s from %s", image, firmware_hex)
    return image


def _hex_to_flash(text: str, where: Path) -> bytes:
    flash = bytearray(b"\xff") * FLASH_SIZE
    base = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            record = bytes.fromhex(line[1:])
            count, kind = record[0], record[3]
            ok = line[0] == ":" and len(record) == count + 5 and sum(record) & 0xFF == 0
        except (ValueError, IndexError):
            ok = False
        if not ok:
            raise BoardNotFound(f"{where} line {number} is not Intel HEX; reinstall firmware-microbit-micropython")
        data = record[4:4 + count]
        if kind == 0:
            at = base + int.from_bytes(record[1:3], "big")
            if at < FLASH_SIZE:
                flash[at:at + count] = data[:FLASH_SIZE - at]
        elif kind == 1:
            break
        elif kind == 2:
            base = int.from_bytes(data, "big") << 4
        elif kind == 4:
            base = int.from_bytes(data, "big") << 16
    return bytes(flash)


class QemuMicrobit:
    """One emulated micro:bit v1: its serial port (`serial`, `repl`), buttons and GPIO output.

    Stop it with stop() or a `with` block; stopping twice is harmless. Keep `serial` open
    while the board runs: QEMU notices a closed and reopened pty only ~1 s later.
    """

    def __init__(self, firmware_hex: Path | None = None, *, cache: Path | None = None,
                 boot_timeout: float = 10.0, icount: str | None = ICOUNT) -> None:
        self.firmware_hex = Path(firmware_hex or kit_hex())
        self.icount = icount
        self.cache = cache
        self.boot_timeout = boot_timeout
        self.pty: str | None = None
        self.serial: serial.Serial | None = None
        self.repl: RawRepl | None = None
        self._proc: subprocess.Popen | None = None
        self._tmp: str | None = None
        self._qtest: socket.socket | None = None
        self._qtest_rx = b""
        self._lock = threading.Lock()
        self._logger: threading.Thread | None = None
        self.deploy_report: DeployReport | None = None  # set by ready_microbit()

    def start(self) -> QemuMicrobit:
        """Boot the emulator and open its serial port; BoardNotFound naming what to install."""
        missing = missing_tools(self.firmware_hex)
        if missing:
            raise BoardNotFound(f"cannot start the emulated micro:bit, missing: {'; '.join(missing)}")
        image = flash_image(self.firmware_hex, self.cache)
        self._tmp = tempfile.mkdtemp(prefix="kitbridge-qemu-")
        sock = os.path.join(self._tmp, "qtest.sock")
        cmd = [QEMU, "-M", "microbit", "-kernel", str(image), "-display", "none", "-monitor", "none",
               "-serial", "pty", "-accel", "tcg", "-qtest", f"unix:{sock},server=on,wait=off"]
        if self.icount:
            cmd += ["-icount", self.icount]
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT)
            # A program that forgets stop() must not leave emulators running after it exits.
            weakref.finalize(self, _kill, self._proc, self._tmp)
            self.pty = self._await_pty()
            try:
                self.serial = serial.Serial(self.pty, 115200, timeout=0.05, rtscts=True, dsrdtr=True)
            except serial.SerialException as exc:
                raise BoardNotFound(f"could not open QEMU's serial port {self.pty}: {exc}") from exc
            self._qtest = self._connect_qtest(sock)
        except BaseException:
            self.stop()
            raise
        self.repl = RawRepl(self.serial, name=f"the emulated micro:bit ({self.pty})")
        logger.info("QEMU micro:bit up on %s (pid %d)", self.pty, self._proc.pid)
        return self

    def _await_pty(self) -> str:
        assert self._proc and self._proc.stdout
        out = self._proc.stdout
        deadline = time.monotonic() + self.boot_timeout
        seen = b""
        while True:
            found = _PTY.search(seen.decode(errors="replace"))
            if found:
                # QEMU keeps writing to this pipe; read it so it never blocks on a full pipe.
                self._logger = threading.Thread(target=self._log_output, args=(out.fileno(),), daemon=True)
                self._logger.start()
                return found.group(1)
            left = deadline - time.monotonic()
            ready = select.select([out], [], [], left)[0] if left > 0 else []
            if not ready:
                said = seen.decode(errors="replace").strip() or "nothing"
                raise BoardNotFound(f"QEMU did not open its serial port within {self.boot_timeout:.0f} s "
                                    f"(it said: {said})")
            chunk = os.read(out.fileno(), 4096)
            if not chunk:
                raise BoardNotFound(f"QEMU exited at start: {seen.decode(errors='replace').strip()}")
            seen += chunk

    @staticmethod
    def _log_output(fd: int) -> None:
        # Ends at end of file, when QEMU exits; stop() closes the pipe only after that.
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            logger.debug("qemu: %s", chunk.decode(errors="replace").rstrip())

    def _connect_qtest(self, path: str) -> socket.socket:
        deadline = time.monotonic() + self.boot_timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                sock.settimeout(self.boot_timeout)
                return sock
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline or (self._proc and self._proc.poll() is not None):
                    raise BoardNotFound(f"QEMU's qtest socket {path} never opened; is QEMU 7 or newer installed?")
                time.sleep(0.005)  # QEMU creates the socket during its start-up; look again shortly

    def _qtest_cmd(self, line: str) -> str:
        """Send one qtest command; its answer after 'OK' (KitTimeout / ConnectionLost on trouble)."""
        if not self._qtest:
            raise ConnectionLost("the emulated micro:bit is stopped; start() it first")
        with self._lock:
            try:
                self._qtest.sendall(line.encode("ascii") + b"\n")
                while True:
                    while b"\n" not in self._qtest_rx:
                        chunk = self._qtest.recv(4096)
                        if not chunk:
                            raise ConnectionLost("QEMU closed its qtest socket (did the emulator exit?)")
                        self._qtest_rx += chunk
                    answer, self._qtest_rx = self._qtest_rx.split(b"\n", 1)
                    text = answer.decode("ascii", "replace")
                    if text.startswith("OK"):
                        return text[2:].strip()
                    if text.startswith(("FAIL", "ERR")):
                        raise ConnectionLost(f"QEMU refused {line!r}: {text}")
                    # anything else is an asynchronous notice (IRQ ...): not an answer
            except TimeoutError as exc:
                raise KitTimeout(f"QEMU did not answer the qtest command {line!r}") from exc
            except OSError as exc:
                raise ConnectionLost(f"lost QEMU's qtest socket: {exc}") from exc

    def _button(self, button: str, level: int) -> None:
        if button not in _BUTTON_GPIO:
            raise ValueError(f"button must be 'a' or 'b', not {button!r}")
        self._qtest_cmd(f"set_irq_in /machine/nrf51 unnamed-gpio-in {_BUTTON_GPIO[button]} {level}")

    def press(self, button: str) -> None:
        """Hold button 'a' or 'b' down (its GPIO line goes low)."""
        self._button(button, 0)

    def release(self, button: str) -> None:
        """Let button 'a' or 'b' go."""
        self._button(button, 1)

    def gpio_out(self) -> int:
        """The nRF51 GPIO OUT register: bit n is GPIO n's output level (edge pin 0 is GPIO 3)."""
        return int(self._qtest_cmd(f"readl 0x{_GPIO_OUT:08x}"), 16)

    def stop(self) -> None:
        """Stop the emulator and remove its temporary files; safe to call again."""
        for closer in (self.serial, self._qtest):
            if closer is not None:
                try:
                    closer.close()
                except OSError as exc:
                    logger.debug("closing: %s", exc)
        self.serial = self._qtest = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()
            if self._logger:
                self._logger.join(5)
                self._logger = None
            if proc.stdout:
                proc.stdout.close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> QemuMicrobit:  # noqa: PYI034 (typing.Self needs Python 3.11)
        return self if self._proc else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _kill(proc: subprocess.Popen, tmp: str) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    shutil.rmtree(tmp, ignore_errors=True)


def ready_microbit(spec: Any = None, progress: Callable[[str, int, int], None] | None = None,
                   **options: Any) -> QemuMicrobit:
    """A booted emulated micro:bit v1 with the kit firmware deployed and its agent running.

    The deploy's DeployReport is on `board.deploy_report`. Every call is a fresh board with
    an empty file system: nothing is cached but the flash image built from the .hex.
    """
    from ..boards import load_board
    from ..deploy import deploy

    spec = spec or load_board("microbit-v1")
    if spec.kind != "microbit-v1":
        raise ValueError(f"QEMU emulates a micro:bit v1 only, not a {spec.kind}")
    board = QemuMicrobit(**options).start()
    try:
        board.deploy_report = deploy(board.repl, spec, progress=progress)
    except BaseException:
        board.stop()
        raise
    return board
