"""MicroPython onto a micro:bit: copy the .hex onto its MICROBIT drive (DAPLink flashes it).

DAPLink takes the file, flashes the chip, then the drive goes away and comes back; a
FAIL.TXT on the drive afterwards says what went wrong. Only whole files reach the chip, so a
copy that is cut leaves the old firmware running.
"""

from __future__ import annotations

import os
import re
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import DeployError

VOLUME = "MICROBIT"
CHUNK = 4096
POLL = 0.05  # how often the drive is looked at while DAPLink flashes


def microbit_drives() -> list[Path]:
    """Mounted MICROBIT drives (Linux /proc/mounts, macOS /Volumes, Windows drive letters)."""
    found: list[Path] = []
    if sys.platform == "win32":
        for letter in string.ascii_uppercase:
            root = Path(f"{letter}:\\")
            if (root / "DETAILS.TXT").is_file() and (root / "MICROBIT.HTM").is_file():
                found.append(root)
    elif sys.platform == "darwin":
        found = sorted(Path("/Volumes").glob(VOLUME + "*"))
    else:
        try:
            with open("/proc/mounts", encoding="utf-8") as mounts:
                points = [line.split()[1].replace("\\040", " ") for line in mounts if len(line.split()) > 1]
        except OSError:
            points = []
        found = [Path(p) for p in points if Path(p).name.startswith(VOLUME)]
    return found


def drive_kind(drive: Path) -> str | None:
    """microbit-v1 or microbit-v2 from DAPLink's DETAILS.TXT (its board id: 9900/9901 v1, 9903-9906 v2)."""
    try:
        text = (Path(drive) / "DETAILS.TXT").read_text(errors="replace")
    except OSError:
        return None
    found = re.search(r"(?:Unique ID|Board ID):\s*(99\d\d)", text)
    if not found:
        return None
    return "microbit-v1" if found.group(1) in ("9900", "9901") else "microbit-v2"


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


def flash_microbit(image: Path, drive: Path, *, timeout: float = 30.0,
                   step: Callable[..., None] | None = None) -> float:
    """Copy `image` onto the MICROBIT `drive` and wait until it is back; seconds taken. DeployError with the fix."""
    image, drive = Path(image), Path(drive)
    started = time.monotonic()
    data = image.read_bytes()
    if not data.startswith(b":"):
        raise DeployError(f"{image} is not an Intel HEX file; a micro:bit needs MicroPython's .hex")
    if not drive.is_dir():
        raise DeployError(f"no MICROBIT drive at {drive}; plug the micro:bit in and wait for its drive")
    done = 0
    failure: OSError | None = None
    try:
        with open(drive / image.name, "wb") as out:
            for at in range(0, len(data), CHUNK):
                if not drive.is_dir():  # unplugged, or the hub browned out
                    break
                out.write(data[at:at + CHUNK])
                done = min(at + CHUNK, len(data))
                if step:
                    step("copying " + image.name, done, len(data))
            if done == len(data):
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        failure = exc
    if done < len(data) or failure is not None:
        if not drive.is_dir() or done < len(data):
            raise DeployError(f"the MICROBIT drive {drive} went away during the copy ({done} of {len(data)} bytes): "
                              "the micro:bit keeps its old firmware; check the cable (no hub), wait for the drive "
                              "and flash again") from failure
        raise DeployError(f"writing {image.name} to {drive} failed: {failure}; unplug the micro:bit, plug it "
                          "back in and flash again") from failure
    if step:
        step("DAPLink is flashing")
    copied = drive / image.name
    # restarted: the drive went away, or came back already (a fresh DAPLink drive lists no copied file)
    if not _wait(lambda: not drive.is_dir() or not copied.exists(), timeout):
        raise DeployError(f"the MICROBIT drive {drive} did not restart within {timeout:.0f} s after the copy; "
                          "unplug the micro:bit, plug it back in and flash again")
    if not _wait(drive.is_dir, timeout):
        raise DeployError(f"the MICROBIT drive {drive} did not come back within {timeout:.0f} s; unplug the "
                          "micro:bit and plug it back in (the firmware may already be on it: try `kitbridge list`)")
    fail = drive / "FAIL.TXT"
    if fail.is_file():
        raise DeployError(f"the micro:bit refused the firmware: {fail.read_text(errors='replace').strip()}; "
                          "use MicroPython's .hex for this micro:bit version")
    return time.monotonic() - started
