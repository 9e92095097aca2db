"""Deploying the kit firmware to a fresh emulated micro:bit: safe order, skip unchanged, recovery.

Each test runs on both images a micro:bit v1 may have: the kit's own (images/microbit-v1.hex,
the core built in: deploy copies main.py and kb_board.py) and Debian's firmware-microbit-micropython
(deploy copies the whole kit as source)."""

import pytest
from kitbridge.deploy import MANIFEST, deploy, deploy_files
from kitbridge.deploy.files import digest
from kitbridge.link.qemu import QemuMicrobit, firmware_hex_named
from kitbridge.link.rawrepl import RawRepl
from kitbridge.resources import firmware_dir

IMAGES = ["kit", "debian"]


@pytest.fixture(params=IMAGES)
def image(request) -> str:
    return request.param


@pytest.fixture
def fresh(qemu_tools, image):
    """A freshly booted emulated micro:bit running `image`, at its REPL, empty file system."""
    with QemuMicrobit(firmware_hex_named(image)) as b:
        yield b


@pytest.fixture
def deployed(fresh, spec):
    deploy(fresh.repl, spec)
    return fresh


def expected(spec, image: str) -> dict[str, bytes]:
    """What a deploy copies onto a board running `image`."""
    if image == "debian":
        return deploy_files(spec)
    return deploy_files(spec, built_in={n: digest((firmware_dir() / n).read_bytes()) for n in spec.frozen})


def test_fresh_deploy_sends_every_file_and_the_agent_greets(fresh, image, spec, figure):
    report = deploy(fresh.repl, spec)
    files = expected(spec, image)
    assert report.handshake and report.board == "microbit-v1"
    assert report.files_sent == list(files) and report.files_skipped == []
    assert report.files_sent[-1] == "main.py"
    assert report.bytes_on_wire >= report.firmware_bytes == sum(len(d) for d in files.values())
    assert report.heap >= (4096 if image == "kit" else 1024)
    figure(f"fresh deploy ({image} image)", f"{report.seconds:.2f} s, {report.bytes_on_wire} bytes on the wire "
           f"for {report.firmware_bytes} bytes of firmware; {report.heap} B of heap free after start")


def test_redeploy_of_unchanged_firmware_sends_no_file_data(deployed, image, spec, figure):
    files = expected(spec, image)
    report = deploy(deployed.repl, spec)
    assert report.files_sent == [] and report.files_removed == []
    assert report.files_skipped == list(files)
    assert report.bytes_on_wire < 300  # commands only (list, read the manifest, restart): no file data
    assert report.handshake and report.seconds < 5
    figure(f"redeploy, unchanged ({image} image)", f"{report.seconds:.2f} s, {report.bytes_on_wire} bytes on the wire")


def test_changed_file_alone_is_resent(deployed, image, spec):
    repl = deployed.repl
    repl.interrupt()
    repl.enter(soft_reset=True)  # the stopped agent's modules leave too little heap to parse
    repl.exec("f=open('kb_board.py','w');f.write('#');f.close()")  # damaged on the board...
    repl.exec(f"f=open({MANIFEST!r},'w');f.write('');f.close()")  # ...and its manifest lost
    if image == "kit":  # a copy of a built-in file would never run: it goes
        repl.exec("f=open('kb_sys.py','w');f.write('#');f.close()")
    report = deploy(repl, spec)
    assert report.files_sent == list(expected(spec, image))  # no manifest: nothing can be trusted
    assert report.files_removed == (["kb_sys.py"] if image == "kit" else [])
    report = deploy(repl, spec, force=True)
    assert report.files_sent == list(expected(spec, image)) and report.handshake


class Cut(Exception):
    pass


def test_deploy_cut_halfway_leaves_a_bootable_board_and_a_second_deploy_completes(fresh, image, spec):
    total = sum(len(d) for d in expected(spec, image).values())
    written = {}

    def cut_at_half(name, done, size):
        written[name] = done
        if sum(written.values()) > total // 2:
            raise Cut(name)

    with pytest.raises(Cut):
        deploy(fresh.repl, spec, progress=cut_at_half)

    # A new session on the same running board, as after a cable pulled and plugged back.
    repl = RawRepl(fresh.serial)
    repl.interrupt()
    repl.enter()
    listing = repl.exec("import os;print(os.listdir())")
    if "'main.py'" in listing:  # the cut came inside main.py itself (the kit image's deploy is short)
        size = int(repl.exec("print(os.size('main.py'))"))
        assert 0 <= size < len(expected(spec, image)["main.py"])
    repl.soft_reboot()
    repl.read_until(b">>> ", 5)  # boots to the REPL: a cut main.py does not compile, nothing else runs

    report = deploy(repl, spec)
    assert report.handshake and report.files_sent == list(expected(spec, image))
