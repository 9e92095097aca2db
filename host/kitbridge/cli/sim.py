"""`kitbridge sim`: a simulated board on a pseudo-terminal, for a serial terminal or another program."""

from __future__ import annotations

import argparse
import threading

from ..boards import board_kinds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--board", default="mpython", choices=board_kinds(), help="board kind (default mpython)")
    parser.add_argument("--baud", type=int, default=115200, help="pace bytes like this baud rate; 0 = unpaced")
    mqtt = parser.add_argument_group("on an MQTT broker instead of a pseudo-terminal")
    mqtt.add_argument("--broker", metavar="HOST[:PORT]", help="join this MQTT broker as a Wi-Fi board does")
    mqtt.add_argument("--board-id", help="the board's id on the broker (default: sim-<uid>)")
    mqtt.add_argument("--label", default="", help="the board's label, announced in its hello")
    mqtt.add_argument("--user", help="broker user name (default $KITBRIDGE_MQTT_USER)")
    mqtt.add_argument("--password", help="broker password (default $KITBRIDGE_MQTT_PASSWORD, which keeps it "
                      "out of the process list)")
    mqtt.add_argument("--ca", metavar="PATH", help="use TLS, trusting this CA certificate")
    mqtt.add_argument("--keepalive", type=int, default=10, help="MQTT keep-alive in seconds; the broker marks "
                      "the board offline about 1.5 keep-alives after its process dies")


def run(args: argparse.Namespace) -> int:
    from ..sim import SimBoard

    if args.baud < 0:
        raise ValueError(f"--baud must be 0 (unpaced) or more, not {args.baud}")
    if args.broker:
        return _serve_on_broker(args)
    with SimBoard(args.board, baud=args.baud) as board:
        if board.port is None:
            raise OSError("this system has no pseudo-terminals; use Board('sim') from Python instead")
        print(board.port, flush=True)
        print(f"simulated {board.spec.name} serving; type 'hello' in a serial terminal. Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def _serve_on_broker(args: argparse.Namespace) -> int:
    from ..link.mqtt_broker import parse_broker
    from ..sim.mqtt_bridge import SimBridge

    address = parse_broker(args.broker, user=args.user, password=args.password, tls=bool(args.ca), ca=args.ca)
    with SimBridge(address, kind=args.board, board_id=args.board_id, label=args.label,
                   keepalive=args.keepalive) as bridge:
        print(f"{bridge.board_id} on {address.shown()}", flush=True)
        print(f"simulated {bridge.sim.spec.name} serving; Board('{address.shown()}/{bridge.board_id}') "
              "drives it. Ctrl-C stops.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0
