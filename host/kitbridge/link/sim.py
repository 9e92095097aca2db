"""`sim` and `sim:KIND[?baud=N]`: the built-in simulated board, reached over a pseudo-terminal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..boards import board_kinds, load_board
from ..errors import BoardNotFound
from .serial_link import SerialLink

DEFAULT_KIND = "mpython"
DEFAULT_BAUD = 115200
_watchers: list[Callable[[object], None]] = []
_watchers_lock = threading.Lock()


@contextmanager
def watch_sim_boards(callback: Callable[[object], None]) -> Iterator[None]:
    """Call `callback(sim_board)` for each simulated board started meanwhile (lesson scenarios)."""
    with _watchers_lock:
        _watchers.append(callback)
    try:
        yield
    finally:
        with _watchers_lock:
            _watchers.remove(callback)


class SimLink(SerialLink):
    """The host's ordinary serial link, on the simulated board's pty; closing stops the board."""

    def __init__(self, port: str, kind: str, baud: int) -> None:
        from ..sim import SimBoard

        self.board_kind = kind
        self.sim = SimBoard(kind, baud=baud)
        self.sim.start()
        try:
            self._open_sim(port)
        except BaseException:
            self.sim.stop()
            raise
        with _watchers_lock:
            watchers = list(_watchers)
        for callback in watchers:
            callback(self.sim)

    def _open_sim(self, port: str) -> None:
        if self.sim.port is not None:
            super().__init__(self.sim.port, pty=True)
        else:
            super().__init__(port, port_object=self.sim.serial_object)
        self.name = port

    def reopen(self, timeout: float) -> None:
        """Open the line of the same SimBoard again, once it runs and is plugged in (after sim.restart()
        or sim.replug(), maybe on a new pty: this link knows its board, as a uid search would find it)."""
        super().close()
        sim = self.sim
        if not sim.world.wait_for(lambda: sim.alive and sim.state in ("running", "repl") and sim.plugged, timeout):
            if sim.alive and not sim.plugged:
                raise BoardNotFound(f"the simulated {sim.kind} on {self.name} is unplugged; "
                                    "sim.replug() plugs it in again")
            raise BoardNotFound(f"the simulated {sim.kind} on {self.name} is switched off; "
                                "sim.restart() switches it on again")
        self._open_sim(self.name)

    def close(self) -> None:
        super().close()
        self.sim.stop()


def parse_options(target: str, options: dict[str, str]) -> tuple[str, int]:
    kind = target or DEFAULT_KIND
    if kind not in board_kinds():
        raise ValueError(f"no simulated board kind '{kind}'; choose one of: {', '.join(board_kinds())}")
    unknown = set(options) - {"baud"}
    if unknown:
        raise ValueError(f"unknown sim option(s) {', '.join(sorted(unknown))}; the sim takes: baud")
    try:
        baud = int(options.get("baud", DEFAULT_BAUD))
    except ValueError:
        raise ValueError(f"baud must be a whole number (0 = unpaced), not {options['baud']!r}") from None
    if baud < 0:
        raise ValueError(f"baud must be 0 (unpaced) or more, not {baud}")
    load_board(kind)
    return kind, baud


def open_link(port: str, target: str, options: dict[str, str]) -> SimLink:
    kind, baud = parse_options(target, options)
    return SimLink(port, kind, baud)
