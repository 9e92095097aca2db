"""What every device object shares: the board it lives on."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..board import Board


class Device:
    def __init__(self, board: Board, name: str) -> None:
        self.board = board
        self.name = name

    def _ask(self, verb: str, *args: object) -> str:
        return self.board.request(verb, *args)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} on {self.board.port}>"
