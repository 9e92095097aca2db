"""`qemu:microbit-v1`: a fresh emulated micro:bit v1 with the kit firmware deployed; closing stops it.

It runs the kit's MicroPython image (images/microbit-v1.hex) as a flashed board would;
`qemu:microbit-v1?firmware=debian` runs Debian's firmware-microbit-micropython instead (the
whole kit is then copied as source), `?firmware=FILE.hex` any other image.
"""

from __future__ import annotations

from .serial_link import SerialLink

KINDS = ("microbit-v1",)


class QemuLink(SerialLink):
    """The host's ordinary serial link on the emulator's pty; `.qemu` presses buttons and reads GPIO."""

    def __init__(self, port: str, kind: str, firmware: str = "kit") -> None:
        from ..boards import load_board
        from .qemu import firmware_hex_named, ready_microbit

        self.board_kind = kind
        self.qemu = ready_microbit(load_board(kind), firmware_hex=firmware_hex_named(firmware))
        super().__init__(port, port_object=self.qemu.serial)

    def close(self) -> None:
        self.qemu.stop()


def open_link(port: str, target: str, options: dict[str, str]) -> QemuLink:
    kind = target or KINDS[0]
    if kind not in KINDS:
        raise ValueError(f"QEMU emulates only {', '.join(KINDS)}, not '{kind}'")
    unknown = set(options) - {"firmware"}
    if unknown:
        raise ValueError(f"qemu: takes only firmware=kit|debian|FILE.hex, not {', '.join(sorted(unknown))}")
    return QemuLink(port, kind, options.get("firmware", "kit"))
