"""MicroPython onto an ESP32-family board through esptool's Python API (esptool.cmds).

esptool resets the chip into its ROM bootloader with DTR/RTS, detects the chip, and checks
each written region's MD5 against the file (its write_flash verifies by itself). The image
goes at the chip's bootloader offset: 0x1000 on the ESP32, 0x0 on the S2/S3/C3, which is
where micropython.org's ESP32 .bin files start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeployError

logger = logging.getLogger(__name__)

BAUDS = (460800, 115200)  # fast first; a long cable or a CH340 clone may need the slow one
ROM_BAUD = 115200


@dataclass
class EspResult:
    chip: str
    offset: int
    baud: int


def translate_esptool_error(port: str, exc: BaseException) -> str:
    """One doctor-style line: what happened on `port`, and the fix."""
    text = str(exc)
    if "Wrong boot mode detected" in text:
        return (f"{port}: the board did not enter its download mode (esptool: Wrong boot mode detected). Fix: hold "
                "the BOOT button, press and release EN/RST, let BOOT go, then flash again")
    if "Could not open" in text:
        return (f"{port}: could not open the port (esptool: Could not open port). Fix: close the program that holds "
                "it (Thonny, Arduino IDE, a serial monitor; `kitbridge doctor --port " + port + "` names it), check "
                "the name with `kitbridge list`, and on Linux join the dialout group")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return (f"{port}: flashing failed ({first}). Fix: check the USB cable (a data cable, no hub), press the board's "
            f"reset button and flash again; `kitbridge doctor --port {port}` checks the port")


def _fatal(exc: BaseException) -> bool:
    """Errors a slower baud cannot fix."""
    text = str(exc)
    return "Wrong boot mode detected" in text or "Could not open" in text


def flash_esp32(port: str, image: Path, *, bauds: tuple[int, ...] = BAUDS,
                step: Callable[..., None] | None = None) -> EspResult:
    """Write `image` (a MicroPython .bin) to the ESP32-family board on `port`; DeployError with the fix."""
    # imported here: esptool is big and only flash needs it
    import serial
    from esptool import cmds
    from esptool.util import FatalError

    image = Path(image)
    if not image.is_file():
        raise DeployError(f"no firmware file {image}; give an ESP32 MicroPython .bin with --firmware")
    failure: BaseException | None = None
    for baud in bauds:
        try:
            if step:
                step(f"connecting at {ROM_BAUD} baud")
            with cmds.detect_chip(port, ROM_BAUD) as esp:
                chip, offset = esp.CHIP_NAME, esp.BOOTLOADER_FLASH_OFFSET
                esp = cmds.run_stub(esp)
                if baud != ROM_BAUD:
                    esp.change_baud(baud)
                cmds.attach_flash(esp)
                if step:
                    step(f"writing {image.name} to {chip} at 0x{offset:x}, {baud} baud")
                cmds.write_flash(esp, [(offset, str(image))])
                cmds.reset_chip(esp, "hard-reset")
            logger.info("flashed %s on %s (%s) at 0x%x, %d baud", image, port, chip, offset, baud)
            return EspResult(chip, offset, baud)
        except (FatalError, serial.SerialException, OSError) as exc:
            failure = exc
            if _fatal(exc):
                break
            logger.info("flashing %s at %d baud failed (%s); trying slower", port, baud, exc)
    assert failure is not None
    raise DeployError(translate_esptool_error(port, failure)) from failure
