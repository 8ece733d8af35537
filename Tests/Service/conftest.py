"""Shared set-up of the service tests: one release build, installs into temporary DESTDIRs."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SWIFT_BIN = "/opt/swift/usr/bin"
# A cold release build of the whole package takes about six minutes on two cores.
BUILD_TIMEOUT = 1800


def make_env():
    env = dict(os.environ)
    if os.path.isdir(SWIFT_BIN) and SWIFT_BIN not in env.get("PATH", "").split(":"):
        env["PATH"] = f"{SWIFT_BIN}:{env.get('PATH', '')}"
    return env


def make(*args, timeout=120):
    """Runs make in the repository; returns its output, failing the test with it on an error."""
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        pytest.fail(f"make {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="session")
def built():
    """The install binaries, built once for the session (`make install-build`)."""
    if shutil.which("swift", path=make_env()["PATH"]) is None:
        pytest.skip("no Swift toolchain")
    make("install-build", timeout=BUILD_TIMEOUT)


@pytest.fixture
def install(built, tmp_path):
    """`make install` into a fresh DESTDIR: a function taking extra make arguments, with
    `.destdir` and `.uninstall(*args)`."""
    destdir = tmp_path / "dest"

    def run(*args):
        return make("install", "NO_BUILD=1", f"DESTDIR={destdir}", *args)

    run.destdir = destdir
    run.uninstall = lambda *args: make("uninstall", f"DESTDIR={destdir}", *args)
    return run
