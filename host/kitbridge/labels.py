"""Board labels: a teacher's name for a board ("Table 7"), kept in its kb_board.py and said by `hello`.

On the board the label rides at the end of kb_board.DEV, which ends the hello reply:
``DEV = 'led,button_a label=Table%207'`` (%XX-escaped, so it is one word of printable ASCII);
a micro:bit v1 pays no code and no heap for it.
"""

from __future__ import annotations

import ast
import re
from urllib.parse import quote, unquote

MAX_LABEL = 24  # characters; the hello reply must stay one short line
_CONSTANT = re.compile(r"^DEV = ('[^'\r\n]*')\r?$", re.MULTILINE)


def check_label(text: str) -> str:
    """The label with its ends trimmed; ValueError saying what a label may be."""
    label = text.strip()
    if len(label) > MAX_LABEL or any(not ch.isprintable() for ch in label):
        raise ValueError(f"a label is up to {MAX_LABEL} printable characters, like \"Table 7\"; not {text!r}")
    return label


def escape(label: str) -> str:
    """'Table 7' -> 'Table%207', as `hello` reports it."""
    return quote(label, safe="")


def same(a: str, b: str) -> bool:
    """True if two labels name the same board (either may be given %XX-escaped)."""
    return escape(unquote(a).strip()).casefold() == escape(unquote(b).strip()).casefold()


def from_hello(info: dict[str, str]) -> str:
    """The label in a parsed hello (its key=value words), or '' when the board has none."""
    return unquote(info.get("label", ""))


def from_constants(text: str) -> str:
    """The label stored in a kb_board.py's text, or '' when it holds none."""
    found = _CONSTANT.search(text)
    if not found:
        return ""
    dev = ast.literal_eval(found.group(1))
    return unquote(dev.partition(" label=")[2])
