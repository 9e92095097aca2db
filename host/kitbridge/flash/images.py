"""Which MicroPython image a board kind gets: a file given, or one in the local cache. Never a download."""

from __future__ import annotations

from pathlib import Path

from ..boards import load_board
from ..errors import DeployError
from ..link.qemu import DEBIAN_HEX, cache_dir, kit_hex

# Where each family's image comes from, for the message when none is here (this tool has no network).
SOURCES = {
    "microbit-v1": "apt-get install firmware-microbit-micropython (it puts the .hex in "
                   "/usr/share/firmware-microbit-micropython/), or python.microbit.org on a machine with a network",
    "microbit-v2": "python.microbit.org (download the micro:bit V2 MicroPython .hex) on a machine with a network",
    "esp32": "https://micropython.org/download/ESP32_GENERIC/ (the .bin for your chip; the mPython board's own "
             "build comes from Labplus, mpython.readthedocs.io) on a machine with a network",
}


def image_folder() -> Path:
    return cache_dir() / "firmware"


def find_image(kind: str, given: str | Path | None = None) -> Path:
    """The image for `kind`: `given`, else <cache>/firmware/<kind>*.hex|.bin, else (micro:bit v1) the
    kit's image, else the Debian package's hex."""
    spec = load_board(kind)
    suffix = ".hex" if spec.family == "microbit" else ".bin"
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise DeployError(f"no firmware file {path}; check the name")
        if path.suffix.lower() != suffix:
            raise DeployError(f"{path.name} is not a {suffix} file, which a {spec.name} needs")
        return path
    cached = sorted(image_folder().glob(f"{kind}*{suffix}"))
    if cached:
        return cached[-1]  # names sort by version when they carry one
    if kind == "microbit-v1":  # the kit's own image: MicroPython with the kit's core built in
        for image in (kit_hex(), DEBIAN_HEX):
            if image.is_file():
                return image
    source = SOURCES.get(kind) or SOURCES[spec.family]
    raise DeployError(f"no MicroPython image for {spec.name} here, and kitbridge does not download (no network): "
                      f"get it from {source}; then give it with --firmware FILE or put it in "
                      f"{image_folder()} as {kind}-VERSION{suffix}")
