"""`make install` and `make uninstall` into a temporary DESTDIR: the tree, modes, and the rule
that an administrator's edit of the configuration is never lost."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, make, make_env


def files_under(root: Path) -> dict[str, int]:
    """Every file and symlink below root, as '/relative/path' -> permission bits."""
    return {
        "/" + str(path.relative_to(root)): stat.S_IMODE(path.lstat().st_mode)
        for path in sorted(root.rglob("*"))
        if not path.is_dir() or path.is_symlink()
    }


@pytest.fixture
def sources(tmp_path):
    """A small shipped tree of its own: the config file, a template, completions and man pages
    under the names the Makefile installs, so that an edit can be told from the shipped file."""
    src = tmp_path / "src"
    config = src / "etc" / "concertd"
    (config / "templates").mkdir(parents=True)
    (config / "concertd.conf").write_text("# every option, commented out\n#log_level = info\n")
    (config / "concerts.json5").write_bytes((REPO / "etc/concertd/concerts.json5").read_bytes())
    (config / "templates" / "reminder.ko.mustache").write_text("{{title}}\n")
    completions = src / "completions"
    completions.mkdir()
    for name in ("concertctl.bash", "_concertctl", "concertctl.fish"):
        (completions / name).write_text(f"# {name}\n")
    man = src / "man"
    for page in ("man1/concertctl.1", "man8/concertd.8"):
        (man / page).parent.mkdir(parents=True, exist_ok=True)
        (man / page).write_text(f".Dt {page}\n")
    return [f"CONFIG_SRC={config}", f"COMPLETIONS_SRC={completions}", f"MAN_SRC={man}"]


def expected_tree(prefix: str, zsh_dir: str) -> dict[str, int]:
    tree = {
        f"{prefix}/sbin/concertd": 0o755,
        f"{prefix}/bin/concertctl": 0o755,
        f"{prefix}/lib/systemd/system/concertd.service": 0o644,
        f"{prefix}/lib/sysusers.d/concertd.conf": 0o644,
        f"{prefix}/share/doc/concertd/smtp-password.conf.example": 0o644,
        f"{prefix}/share/doc/concertd/service.md": 0o644,
        f"{prefix}/share/bash-completion/completions/concertctl": 0o644,
        f"{prefix}/share/{zsh_dir}/_concertctl": 0o644,
        f"{prefix}/share/fish/vendor_completions.d/concertctl.fish": 0o644,
        f"{prefix}/share/man/man1/concertctl.1": 0o644,
        f"{prefix}/share/man/man8/concertd.8": 0o644,
    }
    for rel in ("concertd.conf", "concerts.json5", "templates/reminder.ko.mustache"):
        tree[f"/etc/concertd/{rel}"] = 0o644
        tree[f"{prefix}/share/concertd/dist/{rel}"] = 0o644
    return tree


def test_install_with_prefix_usr_puts_every_file_where_debian_expects_it(install, sources):
    output = install("PREFIX=/usr", *sources)

    assert files_under(install.destdir) == expected_tree("/usr", "zsh/vendor-completions")
    for directory in (p for p in install.destdir.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o755, directory
    unit = (install.destdir / "usr/lib/systemd/system/concertd.service").read_text()
    assert "\nExecStart=/usr/sbin/concertd --config /etc/concertd/concertd.conf\n" in unit
    # Every action is printed, with the path it wrote.
    assert f"install   {install.destdir}/usr/sbin/concertd" in output
    assert f"install   {install.destdir}/etc/concertd/concertd.conf" in output


def test_default_prefix_is_usr_local_and_the_unit_names_that_binary(install, sources):
    install(*sources)

    assert files_under(install.destdir) == expected_tree("/usr/local", "zsh/site-functions")
    installed = (install.destdir / "usr/local/lib/systemd/system/concertd.service").read_text()
    shipped = (REPO / "systemd/concertd.service").read_text()
    assert installed == shipped.replace("/usr/sbin/concertd", "/usr/local/sbin/concertd")


@pytest.mark.skipif(
    "--static-swift-stdlib" not in os.environ.get("INSTALL_SWIFT_FLAGS", "-c release --static-swift-stdlib"),
    reason="make test installs its debug build (SERVICE_TEST_SWIFT_FLAGS), which links the Swift runtime "
    "dynamically; run with SERVICE_TEST_SWIFT_FLAGS='-c release --static-swift-stdlib' to check the release",
)
def test_installed_binaries_run_without_the_swift_toolchain(install):
    install("PREFIX=/usr")

    for binary in ("usr/sbin/concertd", "usr/bin/concertctl"):
        path = install.destdir / binary
        libraries = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
        assert "libswift" not in libraries and "/opt/swift" not in libraries, libraries
        help_text = subprocess.run([path, "--help"], capture_output=True, text=True, timeout=30)
        assert help_text.returncode == 0, help_text.stderr


def test_the_repository_tree_installs_what_it_holds(install):
    install("PREFIX=/usr")

    installed = files_under(install.destdir)
    for path in sorted((REPO / "etc/concertd").rglob("*")):
        if path.is_file():
            rel = path.relative_to(REPO / "etc/concertd")
            assert installed[f"/etc/concertd/{rel}"] == 0o644
            assert (install.destdir / "etc/concertd" / rel).read_bytes() == path.read_bytes()


def install_files(*args):
    """The Makefile's INSTALL_FILES: (source in the tree, destination) pairs."""
    listed = make("-s", "install-files", *args)
    return [tuple(line.split("=", 1)) for line in listed.splitlines()]


def test_every_file_the_makefile_names_is_in_the_tree_and_installed_and_uninstalled(install):
    pairs = install_files("PREFIX=/usr")
    sources = {source for source, _ in pairs}
    # The completions of the three shells and both manual pages are among them, from the tree.
    assert {
        "share/completions/concertctl.bash", "share/completions/_concertctl", "share/completions/concertctl.fish",
        "share/man/man1/concertctl.1", "share/man/man8/concertd.8",
    } <= sources
    for source, _ in pairs:
        assert (REPO / source).is_file(), f"the Makefile installs {source}, which is not in the tree"

    install("PREFIX=/usr")
    for source, destination in pairs:
        installed = install.destdir / destination.lstrip("/")
        assert installed.read_bytes() == (REPO / source).read_bytes(), destination
        assert stat.S_IMODE(installed.stat().st_mode) == 0o644, destination

    install.uninstall("PREFIX=/usr")
    for _, destination in pairs:
        assert not (install.destdir / destination.lstrip("/")).exists(), destination


def test_a_file_missing_from_the_tree_fails_the_install_before_anything_is_copied(install, sources):
    completions = Path(sources[1].split("=", 1)[1])
    (completions / "_concertctl").unlink()
    result = subprocess.run(
        ["make", "--no-print-directory", "install", "NO_BUILD=1", f"DESTDIR={install.destdir}", "PREFIX=/usr",
         *sources],
        cwd=REPO, env=make_env(), capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert f"{completions}/_concertctl is missing from the tree: nothing was installed" in result.stderr
    assert not install.destdir.exists() or files_under(install.destdir) == {}


def test_second_install_keeps_an_edited_config_and_puts_the_new_one_beside_it(install, sources):
    install("PREFIX=/usr", *sources)
    config = install.destdir / "etc/concertd/concertd.conf"
    edited = config.read_text() + "log_level = debug\n"
    config.write_text(edited)

    output = install("PREFIX=/usr", *sources)

    assert config.read_text() == edited
    dist = install.destdir / "etc/concertd/concertd.conf.dist"
    assert dist.read_text() == Path(sources[0].split("=", 1)[1], "concertd.conf").read_text()
    assert stat.S_IMODE(dist.stat().st_mode) == 0o644
    assert f"keep      {config} (edited; the shipped version is {dist}" in output
    # Files nobody edited are left alone, with no .dist beside them.
    assert not (install.destdir / "etc/concertd/concerts.json5.dist").exists()


def test_second_install_upgrades_a_config_nobody_edited(install, sources):
    install("PREFIX=/usr", *sources)
    config_src = Path(sources[0].split("=", 1)[1])
    (config_src / "concertd.conf").write_text("# the next release's file\n")

    output = install("PREFIX=/usr", *sources)

    config = install.destdir / "etc/concertd/concertd.conf"
    assert config.read_text() == "# the next release's file\n"
    assert not (install.destdir / "etc/concertd/concertd.conf.dist").exists()
    assert f"upgrade   {config} (not edited since the last install)" in output


def test_uninstall_leaves_the_state_directory_and_edited_config_only(install, sources):
    install("PREFIX=/usr", *sources)
    config = install.destdir / "etc/concertd/concertd.conf"
    config.write_text("log_level = debug\n")
    install("PREFIX=/usr", *sources)  # writes concertd.conf.dist beside the edit
    database = install.destdir / "var/lib/concertd/concertd.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"SQLite format 3\0")

    output = install.uninstall("PREFIX=/usr")

    assert files_under(install.destdir) == {
        "/etc/concertd/concertd.conf": 0o644,
        "/var/lib/concertd/concertd.sqlite3": 0o644,
    }
    assert config.read_text() == "log_level = debug\n"
    assert f"keep      {config} (edited)" in output
    assert f"remove    {install.destdir}/usr/sbin/concertd" in output


def test_uninstall_of_an_unedited_install_leaves_no_file(install, sources):
    install("PREFIX=/usr", *sources)

    install.uninstall("PREFIX=/usr")

    assert files_under(install.destdir) == {}
    assert not (install.destdir / "etc/concertd").exists()
