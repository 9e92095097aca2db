"""`kitbridge deploy --port P [--port Q ...] | --all`: copy the kit firmware onto boards running MicroPython.

One board: its progress bar and a line about what was sent. Several: all at once, a progress
line per board and a summary table (cli/classroom.py); exit status 1 if any board failed.

With `--wifi SSID --broker HOST[:PORT]` an ESP32-family board also gets kb_net.json and joins the
classroom's MQTT broker at power-on (deploy/netconfig.py; docs/classroom-wifi.md). The passwords
come from $KITBRIDGE_WIFI_PASSWORD and $KITBRIDGE_BROKER_PASSWORD (or --password and
--broker-password, which other users of the computer can see in the process list); no line
this command prints and no log holds them.
"""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from ..boards import board_kinds, load_board
from ..deploy import DeployReport, deploy, netconfig
from ..deploy.detect import detect_kind
from ..deploy.netconfig import NetSettings
from ..errors import DeployError, KitError
from ..link.label_link import resolve_port
from ..link.rawrepl import RawRepl
from ..link.serial_link import SerialLink
from ..probe import ask
from .classroom import Job, Outcome, Step, chosen_ports, run_parallel

HELLO_WAIT = 0.3  # a running agent answers at once; one that does not costs only this


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", action="append",
                        help="serial port or label:NAME of a board (repeat for several boards)")
    parser.add_argument("--all", action="store_true", help="every board plugged in, at once")
    parser.add_argument("--board", choices=board_kinds(), help="board kind (default: ask the board)")
    parser.add_argument("--force", action="store_true", help="send every file, even unchanged ones")
    net = parser.add_argument_group("Wi-Fi boards (ESP32 family): join the classroom's MQTT broker at power-on")
    net.add_argument("--wifi", metavar="SSID", help="the Wi-Fi network's name")
    net.add_argument("--password", help=f"the Wi-Fi password (default ${netconfig.WIFI_PASSWORD_ENV}, which keeps "
                     "it out of the process list; '' for an open network)")
    net.add_argument("--broker", metavar="HOST[:PORT]", help="the MQTT broker's address on that network")
    net.add_argument("--broker-user", metavar="USER", help="the board's own account on the broker")
    net.add_argument("--broker-password", metavar="PASSWORD", help="that account's password (default "
                     f"${netconfig.BROKER_PASSWORD_ENV}, which keeps it out of the process list)")
    net.add_argument("--tls", action="store_true", help="TLS to the broker (default port 8883); the board "
                     "encrypts but cannot check the broker's certificate")
    net.add_argument("--board-id", metavar="ID", help="the board's id on the broker (default: its unique id; "
                     "one board at a time)")
    net.add_argument("--keepalive", type=int, default=netconfig.DEFAULT_KEEPALIVE, metavar="SECONDS",
                     help="the broker marks a silent board offline after about 1.5 of these (default 30)")


def net_settings(args: argparse.Namespace, boards: int) -> NetSettings | None:
    """The Wi-Fi settings the arguments give, or None without --wifi; ValueError if incomplete."""
    given = [f"--{name.replace('_', '-')}" for name in ("broker", "broker_user", "broker_password", "password",
                                                         "board_id") if getattr(args, name) is not None]
    if args.wifi is None:
        if given or args.tls:
            raise ValueError(f"{', '.join(given) or '--tls'} only goes with --wifi SSID (a board joining a broker)")
        return None
    if args.board_id is not None and boards > 1:
        raise ValueError("--board-id names one board: deploy the boards one --port at a time to give each its id")
    net = netconfig.wifi_settings(args.wifi, broker=args.broker, wifi_password=args.password,
                                  board_user=args.broker_user, board_password=args.broker_password, tls=args.tls,
                                  board_id=args.board_id, keepalive=args.keepalive, environ=os.environ)
    if args.board is not None:
        netconfig.check_wifi(load_board(args.board))
    return net


def deploy_one(port: str, kind: str | None, force: bool, console: Console, net: NetSettings | None = None) -> bool:
    try:
        port = resolve_port(port)
        link = SerialLink(port, pty=port.startswith("/dev/pts/"))
    except KitError as exc:
        console.print(f"[red]{port}: {escape(_scrub(net, str(exc)))}[/red]")
        return False
    try:
        repl = RawRepl(link.port_object, name=port)
        if kind is None:
            kind, machine = detect_kind(repl)
            if kind is None:
                raise DeployError(f"cannot tell which board '{machine}' is; name it with --board "
                                  f"({', '.join(board_kinds())})")
        spec = load_board(kind)
        if net is not None:
            netconfig.check_wifi(spec)
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task(f"{port} {kind}", total=None)

            def progress(name: str, done: int, size: int) -> None:
                bar.update(task, description=f"{port} {name}", completed=done, total=size or None)

            report = deploy(repl, spec, progress=progress, force=force, extra=net and net.files())
    except KitError as exc:
        console.print(f"[red]{port}: deploy failed: {escape(_scrub(net, str(exc)))}[/red]")
        return False
    finally:
        link.close()
    sent = ", ".join(report.files_sent) or "nothing (all files unchanged)"
    console.print(f"{port}: kit firmware {report.firmware} on {report.board} in {report.seconds:.1f} s; "
                  f"sent {sent}; {report.bytes_on_wire} bytes on the wire; "
                  f"free memory {report.heap if report.heap is not None else '?'} bytes")
    if net is not None:
        console.print(f"{port}: joins {escape(net.shown())} as board {_board_id(net, report)} at power-on; "
                      f"`kitbridge list --broker {net.broker.host}:{net.broker.port}` shows it")
    return True


def _board_id(net: NetSettings, report: DeployReport) -> str:
    return net.board_id or report.hello.get("uid", "?")


def _scrub(net: NetSettings | None, text: str) -> str:
    return net.scrub(text) if net is not None else text


def board_kind(link: SerialLink, repl: RawRepl, port: str, step: Step) -> str:
    """The kind the running agent says, else the one MicroPython's os.uname() gives."""
    step("asking the board")
    said = ask(link, port, HELLO_WAIT)
    if said.kind in board_kinds():
        return said.kind
    kind, machine = detect_kind(repl)
    if kind is None:
        raise DeployError(f"cannot tell which board '{machine}' is; name it with --board ({', '.join(board_kinds())})")
    return kind


def deploy_job(kind: str | None, force: bool, label: str | None = None, net: NetSettings | None = None) -> Job:
    """One board's deploy for run_parallel; `label` None keeps the board's label; `net` adds Wi-Fi settings."""

    def job(port: str, step: Step) -> Outcome:
        outcome = Outcome(port, kind or "?")
        try:
            device = resolve_port(port)
            link = SerialLink(device, pty=device.startswith("/dev/pts/"))
        except KitError as exc:
            outcome.reason = _scrub(net, str(exc))
            return outcome
        try:
            repl = RawRepl(link.port_object, name=device)
            outcome.kind = kind or board_kind(link, repl, device, step)
            spec = load_board(outcome.kind)
            if net is not None:
                netconfig.check_wifi(spec)
            report = deploy(repl, spec, progress=lambda name, done, size: step(name, done, size),
                            force=force, label=label, extra=net and net.files())
        except KitError as exc:
            outcome.reason = _scrub(net, str(exc))
            return outcome
        finally:
            link.close()
        outcome.ok, outcome.label = True, report.label
        outcome.reason = (f"sent {len(report.files_sent)} files, firmware {report.firmware}, "
                          f"heap {report.heap if report.heap is not None else '?'}") if report.files_sent else "unchanged"
        if net is not None:
            outcome.reason += f"; on the broker as {_board_id(net, report)}"
        return outcome

    return job


def run(args: argparse.Namespace) -> int:
    console = Console(highlight=False, soft_wrap=True)
    ports = chosen_ports(args.port, args.all)
    net = net_settings(args, len(ports) if not args.all else 2)
    if net is not None and net.loopback:
        console.print(f"[yellow]--broker {escape(net.broker.host)} is the board itself: only a simulated board "
                      "finds a broker there; a real one needs the broker computer's address on the Wi-Fi[/yellow]")
    if net is not None and net.broker.user and net.board_id != net.broker.user:
        console.print(f"[yellow]the board's id on the broker is not its account's name ({escape(net.broker.user)}): "
                      "a broker ACL that confines each account to kitbridge/<account>/# will hide it; "
                      f"add --board-id {escape(net.broker.user)} for that (docs/classroom-wifi.md)[/yellow]")
    if len(ports) == 1 and not args.all:
        return 0 if deploy_one(ports[0], args.board, args.force, console, net) else 1
    results = run_parallel(ports, deploy_job(args.board, args.force, net=net), console, "kit firmware deploy")
    return 0 if all(r.ok for r in results) else 1
