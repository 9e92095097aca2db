"""The board's buzzer (mPython, passive, P6) or speaker (micro:bit v2): tones and melodies."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .base import Device
from .registry import onboard

if TYPE_CHECKING:
    from ..board import Board

MAX_HZ = 20000
_NOTE = re.compile(r"([A-Ga-g])([#b]?)([0-8]?)(?::([1-9][0-9]?))?|[Rr](?::([1-9][0-9]?))?")
_SEMITONE = {"C": -9, "D": -7, "E": -5, "F": -4, "G": -2, "A": 0, "B": 2}


def note_hz(name: str, octave: int) -> int:
    """The frequency of a note such as ('A', 4) -> 440 or ('C#', 5); equal temperament."""
    n = _SEMITONE[name[0].upper()] + {"#": 1, "b": -1}.get(name[1:], 0) + 12 * (octave - 4)
    return round(440 * 2 ** (n / 12))


@onboard("buzzer", "speaker")
class Buzzer(Device):
    """The buzzer on the mPython board, or the micro:bit v2's speaker (which also sounds on
    pin 0). Nothing to wire. Melodies use the micro:bit's notation: "C4:4" is C in octave 4 for
    4 ticks, "R:2" a rest; octave and length carry over to the next note when left out.

        buzzer = board.buzzer
        buzzer.play(440, duration=0.5)
        buzzer.play_melody(["C4:4", "D", "E", "C"], tempo=120)
    """

    def __init__(self, board: Board, name: str) -> None:
        super().__init__(board, name)
        params = board.spec.device(name).params
        self._pin = params.get("pin", 0)  # the micro:bit's music plays on pin 0 and the speaker

    def play(self, frequency: int, duration: float | None = None) -> None:
        """Sound `frequency` Hz (1..20000), for `duration` seconds (None: until stop()).

        Returns at once; the board ends a timed tone by itself."""
        if isinstance(frequency, bool) or not isinstance(frequency, int) or not 1 <= frequency <= MAX_HZ:
            raise ValueError(f"frequency must be a whole number of Hz, 1..{MAX_HZ}, not {frequency!r}")
        if duration is None:
            self._ask("tone", self._pin, frequency)
            return
        if isinstance(duration, bool) or not isinstance(duration, (int, float)) or not 0 < duration <= 60:
            raise ValueError(f"duration must be more than 0 and at most 60 seconds, not {duration!r}")
        self._ask("tone", self._pin, frequency, max(1, round(duration * 1000)))

    def beep(self, duration: float = 0.1, frequency: int = 1000) -> None:
        """A short beep; returns at once."""
        self.play(frequency, duration)

    def stop(self) -> None:
        self._ask("tone", self._pin, 0)

    def play_melody(self, notes: Iterable[str], tempo: int = 120, ticks_per_beat: int = 4) -> None:
        """Play notes one after another (blocks until the last has sounded); `tempo` in beats a minute."""
        if isinstance(tempo, bool) or not isinstance(tempo, int) or not 10 <= tempo <= 400:
            raise ValueError(f"tempo must be a whole number of beats a minute, 10..400, not {tempo!r}")
        if isinstance(notes, str):
            notes = notes.split()
        tick = 60 / tempo / ticks_per_beat
        plan = []
        octave, length = 4, 4
        for note in notes:
            m = _NOTE.fullmatch(note) if isinstance(note, str) else None
            if m is None:
                raise ValueError(f"{note!r} is not a note: write e.g. 'C4:4', 'F#5', 'Eb', 'R:2' (rest)")
            if m.group(1):
                octave = int(m.group(3) or octave)
                length = int(m.group(4) or length)
                plan.append((note_hz(m.group(1) + m.group(2), octave), length * tick))
            else:
                length = int(m.group(5) or length)
                plan.append((0, length * tick))
        try:
            for hz, seconds in plan:
                start = time.monotonic()
                if hz:
                    # a little shorter than the slot, so repeated notes are heard as two
                    self.play(hz, max(0.001, seconds * 0.9))
                self.board.check()
                time.sleep(max(0.0, seconds - (time.monotonic() - start)))  # the music's own timing
        finally:
            self.stop()
