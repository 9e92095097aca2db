"""`kitbridge doctor [--port P]`: one line per check, each problem with its fix; exit 1 if any."""

from __future__ import annotations

import argparse

from .. import discover
from ..doctor import Finding, port_checks, system_checks
from ..link.label_link import resolve_port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", "-p", help="the board's port (default: every port that looks like a kit board)")


def run(args: argparse.Namespace) -> int:
    findings: list[Finding] = system_checks()
    ports = [resolve_port(args.port)] if args.port else [p.device for p in discover.serial_ports() if p.candidates]
    if not ports:
        findings.append(Finding(False, "no serial port looks like a kit board",
                                "plug a board in with a data cable; `kitbridge list` shows the ports there are"))
    for port in ports:
        findings += port_checks(port)
    for finding in findings:
        print(finding.line(), flush=True)
    bad = sum(not f.ok for f in findings)
    print(f"{bad} problem(s) found" if bad else "no problems found")
    return 1 if bad else 0
