"""`qemu:microbit-v1`: a fresh emulated micro:bit v1 with the kit firmware deployed; closing stops it."""

from __future__ import annotations

from .serial_link import SerialLink

KINDS = ("microbit-v1",)


class QemuLink(SerialLink):
    """The host's ordinary serial link on the emulator's pty; `.qemu` presses buttons and reads GPIO."""

    def __init__(self, port: str, kind: str) -> None:
        from ..boards import load_board
        from .qemu import ready_microbit

        self.board_kind = kind
        self.qemu = ready_microbit(load_board(kind))
        super().__init__(port, port_object=self.qemu.serial)

    def close(self) -> None:
        self.qemu.stop()


def open_link(port: str, target: str, options: dict[str, str]) -> QemuLink:
    kind = target or KINDS[0]
    if kind not in KINDS:
        raise ValueError(f"QEMU emulates only {', '.join(KINDS)}, not '{kind}'")
    if options:
        raise ValueError(f"qemu: takes no options, not {', '.join(sorted(options))}")
    return QemuLink(port, kind)
