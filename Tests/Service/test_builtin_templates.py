"""The installed daemon has its message texts built in: SwiftPM embeds etc/concertd/templates in
the binary (`.embedInCode`), and `make install` copies only the binary, so with no template
folder anywhere a reminder must still read exactly as the shipped files say, in Korean and in
English.

It fails if the texts were not in the binary: read through `Bundle.module`, the installed copy
finds no resource folder beside it and stops; embedded empty or stale, the texts differ from
those the same daemon renders from the shipped files."""

import shutil
import sys
import tempfile
from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "Tests" / "EndToEnd"))
from harness.daemon import Concertd  # noqa: E402

CLOCK_START = "2019-10-20T00:00+09:00"
WINDOW = ("--from", CLOCK_START, "--to", "2019-10-31T00:00+09:00")
SHIPPED = REPO / "etc" / "concertd" / "templates"


def previewed_bodies(daemon):
    """The rendered reminders of the window, by language."""
    reminders = daemon.ctl_ok("preview", *WINDOW)["reminders"]
    assert {r["concert"] for r in reminders} == {"daejeon-2019"}, reminders
    return {r["lang"]: r["body"] for r in reminders}


def test_the_installed_daemon_renders_its_built_in_texts_without_a_template_folder(install, tmp_path):
    install("PREFIX=/usr")
    binaries = tmp_path / "bin"
    binaries.mkdir()
    (binaries / "concertd").symlink_to(install.destdir / "usr/sbin/concertd")
    (binaries / "concertctl").symlink_to(install.destdir / "usr/bin/concertctl")
    # A short path for the control socket.
    workdir = Path(tempfile.mkdtemp(prefix="cds-", dir="/tmp"))
    absent = workdir / "no-templates"
    daemon = Concertd(binaries, workdir, config={"templates_directory": str(absent)})
    try:
        daemon.start(CLOCK_START)
        for lang in ("ko", "en"):
            daemon.subscribe("daejeon", webhook=f"https://hooks.example.org/{lang}", format="generic",
                             before="1d", lang=lang, quiet=True)
        built_in = previewed_bodies(daemon)
        assert "the built-in texts are used" in daemon.log()
        assert not absent.exists()
        daemon.stop()

        # The same binary and database, reading the shipped files.
        daemon.write_config({"templates_directory": str(SHIPPED)})
        daemon.start(CLOCK_START)
        from_files = previewed_bodies(daemon)
        assert "built-in texts are used" not in daemon.log()
    finally:
        daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    assert set(built_in) == {"ko", "en"}
    assert built_in == from_files
    # Not two empty texts alike: the shipped lines, filled in.
    for lang, labels in {"ko": ("일시: ", "장소: ", "자세한 내용: "), "en": ("When: ", "Where: ", "Details: ")}.items():
        for label in labels:
            assert label in (SHIPPED / f"reminder.{lang}.mustache").read_text()
            assert label in built_in[lang], built_in[lang]
        assert "{{" not in built_in[lang]
