"""A model stored on a board: send it in chunks, run it, and hear its predictions.

    on_board = model.to_board(board, led="shake")   # stored in kb_model.txt, kept over a reboot
    label = on_board.wait(timeout=5)                  # the next label the board decided on
    on_board.when_predicted = print                   # called with each label, on the event thread

The board sends the event "model LABEL" for every window of samples (docs/ai.md).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import wire
from ..errors import KitTimeout
from .model import to_words

if TYPE_CHECKING:
    from ..board import Board

log = logging.getLogger(__name__)

# "9999 model add " and " *ck0": what a chunk's line holds besides its words
CHUNK_OVERHEAD = len("9999 model add ") + len(" *0000")


def chunks(words: Sequence[str], max_line: int) -> list[list[str]]:
    """Words in groups whose `model add` request fits in `max_line` bytes."""
    room = max_line - CHUNK_OVERHEAD
    groups: list[list[str]] = []
    size = room + 1
    for word in words:
        if len(word) > room:
            raise ValueError(f"the model word {word!r} does not fit a {max_line}-byte line")
        if size + 1 + len(word) > room:
            groups.append([])
            size = -1
        groups[-1].append(word)
        size += 1 + len(word)
    return groups


def row_pieces(values: Sequence[str], max_line: int) -> list[str]:
    """Comma-joined pieces of a row: every one but the last fits a `model in` request, the last
    a `model predict` request, within `max_line` bytes."""
    def room(verb: str) -> int:
        return max_line - len(f"9999 model {verb} ") - len(" *0000")

    values = list(values)
    last: list[str] = []
    while values and len(",".join([values[-1], *last])) <= room("predict"):
        last.insert(0, values.pop())
    pieces: list[list[str]] = []
    for value in values:
        if not last or len(value) > room("in"):
            raise ValueError(f"the feature value {value} does not fit a {max_line}-byte line")
        if not pieces or len(",".join([*pieces[-1], value])) > room("in"):
            pieces.append([])
        pieces[-1].append(value)
    return [",".join(p) for p in pieces] + [",".join(last)]


class OnBoard:
    """The model on one board: run(), stop(), predict() through the board, and its predictions."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.when_predicted: Callable[[str], object] | None = None
        self._cond = threading.Condition()
        self._seen: deque[str] = deque(maxlen=100)
        self._count = 0
        board._client.add_handler(self._on_event)

    @classmethod
    def send(cls, board: Board, data: dict[str, Any], run: bool = True) -> OnBoard:
        bus = board.accelerometer._bus if board.spec.has("accelerometer") else ()
        words = to_words(data, bus)
        handle = cls(board)
        board.request("model", "begin")
        for group in chunks(words, board._client.max_line):
            board.request("model", "add", *group)
        summary = board.request("model", "end")
        log.info("model stored on %s: %s (%d words)", board.port, summary, len(words))
        if run:
            handle.run()
        return handle

    def run(self, led: str | None = None) -> None:
        """Start deciding on the board, a window at a time; led: light the LED for this label."""
        self.board.request("model", "run", *([led] if led else []))

    def stop(self) -> None:
        self.board.request("model", "stop")

    def predict(self, row: Sequence[int]) -> str:
        """The board's label for one row of whole-number features (to compare with the host's).
        A row longer than the board's line (a micro:bit v1's is 32 bytes) goes in pieces:
        `model in` holds the first values, `model predict` adds the last ones."""
        *held, last = row_pieces([str(int(v)) for v in row], self.board._client.max_line)
        for piece in held:
            self.board.request("model", "in", piece)
        return self.board.request("model", "predict", last)

    @property
    def predictions(self) -> list[str]:
        """The latest labels the board sent (up to 100), oldest first."""
        with self._cond:
            return list(self._seen)

    def wait(self, timeout: float = 5.0) -> str:
        """The next label the board decides on; KitTimeout if none comes within `timeout` s."""
        with self._cond:
            start = self._count
            if not self._cond.wait_for(lambda: self._count > start, timeout):
                raise KitTimeout(f"the board decided nothing within {timeout:g} s: is the model running "
                                 "(on_board.run())?")
            return self._seen[-1]

    def _on_event(self, event: wire.Event) -> None:
        if event.name != "model" or len(event.args) != 1:
            return
        with self._cond:
            self._seen.append(event.args[0])
            self._count += 1
            self._cond.notify_all()
        if self.when_predicted is not None:
            self.when_predicted(event.args[0])
