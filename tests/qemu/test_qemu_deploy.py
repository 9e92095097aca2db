"""Deploying the kit firmware to a fresh emulated micro:bit: safe order, skip unchanged, recovery."""

import pytest
from kitbridge.deploy import MANIFEST, deploy, deploy_files
from kitbridge.link.rawrepl import RawRepl


def test_fresh_deploy_sends_every_file_and_the_agent_greets(board, spec, figure):
    report = deploy(board.repl, spec)
    files = deploy_files(spec)
    assert report.handshake and report.board == "microbit-v1"
    assert report.files_sent == list(files) and report.files_skipped == []
    assert report.files_sent[-1] == "main.py"
    assert report.bytes_on_wire >= report.firmware_bytes == sum(len(d) for d in files.values())
    figure("fresh deploy", f"{report.seconds:.2f} s, {report.bytes_on_wire} bytes on the wire "
           f"for {report.firmware_bytes} bytes of firmware")


def test_redeploy_of_unchanged_firmware_sends_no_file_data(kit_board, spec, figure):
    smallest = min(len(d) for d in deploy_files(spec).values())
    report = deploy(kit_board.repl, spec)
    assert report.files_sent == [] and report.files_removed == []
    assert report.files_skipped == list(deploy_files(spec))
    assert report.bytes_on_wire < smallest  # commands only: not even the smallest file went out
    assert report.handshake and report.seconds < 5
    figure("redeploy, unchanged", f"{report.seconds:.2f} s, {report.bytes_on_wire} bytes on the wire")


def test_changed_file_alone_is_resent(kit_board, spec):
    repl = kit_board.repl
    repl.interrupt()
    repl.enter(soft_reset=True)  # the stopped agent's modules leave too little heap to parse
    repl.exec("f=open('kb_sys.py','w');f.write('#');f.close()")  # damaged on the board...
    repl.exec(f"f=open({MANIFEST!r},'w');f.write('');f.close()")  # ...and its manifest lost
    report = deploy(repl, spec)
    assert report.files_sent == list(deploy_files(spec))  # no manifest: nothing can be trusted
    report = deploy(repl, spec, force=True)
    assert report.files_sent == list(deploy_files(spec)) and report.handshake


class Cut(Exception):
    pass


def test_deploy_cut_halfway_leaves_a_bootable_board_and_a_second_deploy_completes(board, spec):
    total = sum(len(d) for d in deploy_files(spec).values())
    written = {}

    def cut_at_half(name, done, size):
        written[name] = done
        if sum(written.values()) > total // 2:
            raise Cut(name)

    with pytest.raises(Cut):
        deploy(board.repl, spec, progress=cut_at_half)

    # A new session on the same running board, as after a cable pulled and plugged back.
    repl = RawRepl(board.serial)
    repl.interrupt()
    repl.enter()
    assert "main.py" not in repl.exec("import os;print(os.listdir())")
    repl.soft_reboot()
    repl.read_until(b">>> ", 5)  # boots to the REPL, imports nothing half-written

    report = deploy(repl, spec)
    assert report.handshake and report.files_sent == list(deploy_files(spec))
