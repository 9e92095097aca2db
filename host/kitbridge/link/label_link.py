"""`label:Table 7`: the board whose kit agent says that label, among the recognised serial ports.

Every port whose USB ids match a board kind is asked `hello` at once (a short timeout each);
exactly one must carry the label.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .. import discover, labels
from ..errors import BoardNotFound
from . import split_port
from .serial_link import SerialLink, open_serial

TIMEOUT = 1.0


def resolve(label: str, timeout: float = TIMEOUT) -> str:
    """The device of the one board labelled `label`; BoardNotFound naming the labels seen."""
    from ..probe import probe

    if not label:
        raise ValueError('give a label after "label:", like label:"Table 7"')
    ports = [p.device for p in discover.serial_ports() if p.candidates]
    if not ports:
        raise BoardNotFound(f"no kit board is plugged in, so none is labelled {label!r}; plug the board in")
    with ThreadPoolExecutor(max_workers=min(16, len(ports))) as pool:
        found = list(pool.map(lambda port: probe(port, timeout), ports))
    matches = [p.port for p in found if p.state == "kit" and labels.same(p.label, label)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise BoardNotFound(f"several boards are labelled {label!r} ({', '.join(matches)}); give each its own "
                            "with `kitbridge label --port PORT NAME`")
    seen = ", ".join(f"{p.port}={p.label!r}" for p in found if p.state == "kit") or "no board answered"
    raise BoardNotFound(f"no board is labelled {label!r} ({seen}); `kitbridge list` shows every board's label")


def resolve_port(port: str) -> str:
    """A port name as given, or the device a `label:` name stands for."""
    scheme, target, _ = split_port(port)
    return resolve(target) if scheme == "label" else port


def open_link(port: str, target: str, options: dict[str, str]) -> SerialLink:
    if options:
        raise ValueError(f"label: takes no options, not {', '.join(sorted(options))}")
    return open_serial(resolve(target))
