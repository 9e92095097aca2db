"""What a simulated camera sees: things placed in front of the board (world.scene).

Coordinates are the HuskyLens's: a 320x240 picture, (0, 0) top left; x, y give a thing's centre.
Each thing has a kind, which decides which of the camera's algorithms notices it, and a name,
which is what the camera remembers when it learns the thing.

    scene = board.world.scene
    alice = scene.place("face", "alice", x=160, y=120, w=60, h=80)
    scene.place_line(160, 239, 170, 20)    # a line on the floor, for line tracking
    alice.move(x=200)
    scene.remove(alice)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("face", "object", "color", "tag", "line")
WIDTH, HEIGHT = 320, 240


@dataclass
class Thing:
    """One thing in view: a block (x, y centre, w, h) or, for a line, an arrow (x, y) -> (x2, y2)."""

    kind: str
    name: str
    x: int
    y: int
    w: int = 0
    h: int = 0
    x2: int = 0
    y2: int = 0

    def move(self, x: int | None = None, y: int | None = None) -> None:
        """Move the thing's centre (a line moves as a whole)."""
        dx = 0 if x is None else _coord(x, WIDTH, "x") - self.x
        dy = 0 if y is None else _coord(y, HEIGHT, "y") - self.y
        self.x, self.y = self.x + dx, self.y + dy
        if self.kind == "line":
            self.x2 = min(max(self.x2 + dx, 0), WIDTH - 1)
            self.y2 = min(max(self.y2 + dy, 0), HEIGHT - 1)


class Scene:
    def __init__(self) -> None:
        self._things: list[Thing] = []
        self._lock = threading.Lock()

    def place(self, kind: str, name: str, x: int = 160, y: int = 120, w: int = 40, h: int = 40) -> Thing:
        """Put a face, object, color patch or tag in view; returns it (move() it or remove() it)."""
        if kind not in KINDS or kind == "line":
            raise ValueError(f"kind must be one of {', '.join(k for k in KINDS if k != 'line')} "
                             f"(use place_line for a line), not {kind!r}")
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, not {name!r}")
        thing = Thing(kind, name, _coord(x, WIDTH, "x"), _coord(y, HEIGHT, "y"),
                      _coord(w, WIDTH + 1, "w"), _coord(h, HEIGHT + 1, "h"))
        return self._add(thing)

    def place_line(self, x: int, y: int, x2: int, y2: int, name: str = "line") -> Thing:
        """Put a line in view running from (x, y) to (x2, y2): line tracking reports it as an arrow."""
        thing = Thing("line", name, _coord(x, WIDTH, "x"), _coord(y, HEIGHT, "y"),
                      x2=_coord(x2, WIDTH, "x2"), y2=_coord(y2, HEIGHT, "y2"))
        return self._add(thing)

    def remove(self, thing: Thing) -> None:
        with self._lock:
            self._things = [t for t in self._things if t is not thing]

    def clear(self) -> None:
        with self._lock:
            self._things = []

    def things(self, kind: str | None = None) -> list[Thing]:
        """What is in view now (of one kind, if given), in the order it was placed."""
        with self._lock:
            return [t for t in self._things if kind is None or t.kind == kind]

    def _add(self, thing: Thing) -> Thing:
        with self._lock:
            self._things.append(thing)
        return thing


def _coord(v: int, limit: int, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < limit:
        raise ValueError(f"{what} must be a whole number 0..{limit - 1}, not {v!r}")
    return v
