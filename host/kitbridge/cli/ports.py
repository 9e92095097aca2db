"""`kitbridge list`: every serial port, the board kinds its USB ids may be, and what its agent says.

Only ports whose USB ids match a board kind are asked (a modem or a foreign device is left
alone), all at once with a short timeout; a port another program holds is reported as in use.

`kitbridge list --broker HOST[:PORT]`: instead, the boards an MQTT broker has seen (their retained
hellos: mqtt_directory.py), online first, with the address Board() takes for each.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import discover
from ..probe import Probe, probe

STATES = {"silent": "no kit agent answered", "busy": "in use by another program", "denied": "no permission (dialout?)",
          "missing": "gone", "error": "error"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds each board (default 1), or the broker (default 5), has to answer")
    mqtt = parser.add_argument_group("the boards on an MQTT broker instead of the serial ports")
    mqtt.add_argument("--broker", metavar="HOST[:PORT]", help="the classroom's MQTT broker")
    mqtt.add_argument("--user", help="your broker account (default $KITBRIDGE_MQTT_USER)")
    mqtt.add_argument("--password", help="its password (default $KITBRIDGE_MQTT_PASSWORD, which keeps it out "
                      "of the process list)")
    mqtt.add_argument("--tls", action="store_true", help="TLS to the broker (default port 8883)")
    mqtt.add_argument("--ca", metavar="PATH", help="trust this CA certificate for TLS (implies --tls)")


def run(args: argparse.Namespace) -> int:
    timeout = args.timeout if args.timeout is not None else 5.0 if args.broker else 1.0
    if not 0 < timeout <= 30:
        raise ValueError(f"--timeout must be 0..30 seconds, not {timeout}")
    if args.broker:
        return _list_broker(args, timeout)
    given = [f"--{name}" for name in ("user", "password", "ca") if getattr(args, name) is not None]
    if given or args.tls:
        raise ValueError(f"{', '.join(given) or '--tls'} only goes with --broker HOST[:PORT]")
    ports = discover.serial_ports()
    asked = [p.device for p in ports if p.candidates]
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(asked)))) as pool:
        said: dict[str, Probe] = dict(zip(asked, pool.map(lambda port: probe(port, timeout), asked)))
    table = Table(title="serial ports")
    for name in ("port", "USB id", "description", "board kind", "kit firmware", "label", "state"):
        table.add_column(name)
    for port in ports:
        answer = said.get(port.device)
        kinds = ", ".join(spec.kind for spec in port.candidates) or "-"
        if answer is None:
            state = "not a kit board's USB id" if port.vid is not None else "-"
            table.add_row(escape(port.device), port.usb_id, escape(port.description), kinds, "", "", state)
            continue
        if answer.state == "kit":
            kinds = answer.kind
        state = "ready" if answer.state == "kit" else STATES.get(answer.state, answer.state)
        table.add_row(escape(port.device), port.usb_id, escape(port.description), kinds, answer.firmware or "-",
                      escape(answer.label), state)
    console = Console(highlight=False, soft_wrap=True)
    if not ports:
        console.print("No serial ports: plug a board in (and check the USB cable carries data).")
        return 0
    console.print(table)
    return 0


def _list_broker(args: argparse.Namespace, timeout: float) -> int:
    from ..link.mqtt_broker import parse_broker
    from ..mqtt_directory import boards_on_broker

    address = parse_broker(args.broker, user=args.user, password=args.password, tls=args.tls or bool(args.ca),
                           ca=args.ca)
    boards = boards_on_broker(address, timeout=timeout)
    console = Console(highlight=False, soft_wrap=True)
    if not boards:
        console.print(f"No board has announced itself on {escape(address.shown())} yet: give boards the broker "
                      "with `kitbridge deploy --wifi SSID --broker HOST`, or rehearse with "
                      "`kitbridge sim --broker HOST`.")
        return 0
    table = Table(title=f"boards on {escape(address.shown())}")
    for name in ("board id", "label", "kind", "state", "Board(...)"):
        table.add_column(name)
    for board in boards:
        state = "[green]online[/green]" if board.online else "offline"
        table.add_row(escape(board.board_id), escape(board.label), escape(board.kind), state, escape(board.port))
    console.print(table)
    online = sum(b.online for b in boards)
    console.print(f"{online} online, {len(boards) - online} offline")
    return 0
