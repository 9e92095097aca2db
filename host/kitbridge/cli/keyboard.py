"""`kitbridge run NN --interactive`: the student drives the simulated board's world from the keyboard
while the lesson runs, over a live status line of the world and the board's outputs.

The terminal is put in cbreak mode (termios: keys arrive one at a time, unechoed; output and
Ctrl-C work as usual) and restored on the way out. Keys go to kitbridge.sim.controls; q or
Ctrl-C interrupt the lesson in the main thread, so its `with Board()` closes the board.
POSIX terminals only: elsewhere --interactive says so and stops.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from ..errors import KitError
from ..lessons import Lesson, Narrate, run_lesson
from ..link import split_port
from ..sim.controls import Controls, Reading

log = logging.getLogger(__name__)
QUIT = ("q", "\x03")  # \x03 arrives as a key only if the terminal does not turn it into SIGINT
TICK = 0.05  # s between looks at the keyboard (and releases of buttons whose key went up)


def keys_of(data: str) -> list[str]:
    """The keys in what the terminal sent, without escape sequences (arrows, function keys)."""
    keys, i = [], 0
    while i < len(data):
        if data[i] != "\x1b":
            keys.append(data[i])
            i += 1
        elif data[i + 1:i + 2] == "[":  # CSI: parameters, then one final byte @..~
            i += 2
            while i < len(data) and not "@" <= data[i] <= "~":
                i += 1
            i += 1
        else:  # ESC O x (SS3), or ESC alone
            i += 3 if data[i + 1:i + 2] == "O" else 1
    return keys


class KeyboardPlayer:
    """A lessons.Player: the keyboard acts out the world instead of the lesson's scenario."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.controls: Controls | None = None
        self.on_battery = False

    def play(self, world: Any, narrate: Narrate, wired: dict[str, Any]) -> None:
        self.controls = Controls(world, self.lesson.devices, wired)

    def unplugged(self, world: Any, narrate: Narrate) -> None:
        self.on_battery = True
        narrate("no computer now: move the board with the keys and watch its LED; q ends · "
                "现在没有电脑：用按键移动板子，看它的LED；按q结束")
        threading.Event().wait()  # until q or Ctrl-C interrupts


class Session:
    """The keyboard, the status line and the lesson's main thread, for one interactive run."""

    def __init__(self, player: KeyboardPlayer, console: Console, fd: int) -> None:
        self.player, self.console, self.fd = player, console, fd
        self.done = threading.Event()
        self.running = False  # while the lesson runs, q interrupts the main thread
        self.interrupted = False  # once: a second q must not cut the board's closing short
        self._lock = threading.Lock()
        self._main = threading.get_ident()  # run() is called on the main thread: q interrupts it

    def render(self) -> Group:
        controls = self.player.controls
        if controls is None:
            return Group(Text("switching the simulated board on…", style="dim"))
        status = Text()
        if self.player.on_battery:
            status.append("on battery, no computer  ", style="bold cyan")
        for reading in controls.readings():
            _show(status, reading)
        keys = Text("keys: ", style="dim")
        for which, what in controls.help() + [("q", "quit")]:
            keys.append(which, style="bold")
            keys.append(f" {what}  ")
        return Group(status, keys)

    def narrate(self, text: str) -> None:
        self.console.print(f"  [{text}]", markup=False, highlight=False, style="dim")

    def read_keys(self) -> None:
        while not self.done.is_set():
            ready, _, _ = select.select([self.fd], [], [], TICK)
            data = os.read(self.fd, 64).decode("utf-8", "replace") if ready else ""
            controls = self.player.controls
            try:
                for key in keys_of(data):
                    if key in QUIT:
                        self.quit()
                    elif controls is not None:
                        controls.key(key)
                if controls is not None:
                    controls.tick()
            except (ValueError, KitError) as exc:  # never a traceback from this thread
                log.warning("that key did not work: %s", exc)

    def quit(self) -> None:
        with self._lock:
            if self.running and not self.interrupted:
                signal.pthread_kill(self._main, signal.SIGINT)

    def on_sigint(self, signum: int, frame: Any) -> None:
        with self._lock:
            first = self.running and not self.interrupted
            self.interrupted = self.interrupted or first
        if first:  # later ones (q twice, q after the lesson) would cut the board's closing short
            raise KeyboardInterrupt

    def run(self, lesson: Lesson, port: str) -> bool:
        """Run the lesson with the keyboard on the world; True when it ended by itself, False on q/Ctrl-C."""
        reader = threading.Thread(target=self.read_keys, name="keyboard", daemon=True)
        previous = signal.signal(signal.SIGINT, self.on_sigint)
        try:
            with cbreak(self.fd), Live(get_renderable=self.render, console=self.console,
                                       refresh_per_second=8, redirect_stdout=True, redirect_stderr=True):
                reader.start()
                try:
                    with self._lock:
                        self.running = True
                    try:
                        run_lesson(lesson, port, self.narrate, player=self.player)
                    finally:
                        with self._lock:
                            self.running = False
                    return True
                except KeyboardInterrupt:
                    return False
                finally:
                    self.done.set()
                    reader.join(1.0)
                    if self.player.controls is not None:
                        self.player.controls.close()
        finally:
            signal.signal(signal.SIGINT, previous)


def _show(status: Text, reading: Reading) -> None:
    status.append(reading.name + " ", style="dim")
    if reading.colours:
        for r, g, b in reading.colours:
            status.append("●" if (r, g, b) != (0, 0, 0) else "○", style=f"rgb({r},{g},{b})" if r or g or b else "dim")
    elif reading.text == "on":
        status.append("on", style="bold yellow")
    else:
        status.append(reading.text)
    status.append("  ")


@contextmanager
def cbreak(fd: int) -> Iterator[None]:
    """Keys one at a time, unechoed, for the duration; the terminal as it was afterwards."""
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def keyboard_fd() -> int:
    """The terminal to read keys from, or a KitError that says why there is none."""
    try:
        import termios  # noqa: F401  (POSIX only)
    except ImportError:
        raise KitError("--interactive reads single keys with termios, which this system lacks (Windows): "
                       "run the lesson without --interactive, or run it in WSL") from None
    if not sys.stdin.isatty():
        raise KitError("--interactive needs a terminal to read keys from, and stdin is not one: "
                       "run it in a terminal window")
    return sys.stdin.fileno()


def check_port(port: str) -> None:
    if split_port(port)[0] != "sim":
        raise KitError(f"--interactive moves a simulated board's world, and {port} is not one: use --port sim "
                       "(or sim:KIND, e.g. sim:microbit-v2); with a real board, move the board itself")


def run_interactive(lesson: Lesson, port: str, console: Console) -> int:
    check_port(port)
    fd = keyboard_fd()
    session = Session(KeyboardPlayer(lesson), console, fd)
    ended = session.run(lesson, port)
    console.print(f"Lesson {lesson.number} {'finished' if ended else 'stopped'}. · "
                  f"第{int(lesson.number)}课{'结束了' if ended else '已停止'}。", highlight=False)
    return 0
