"""What machine the figures were measured on."""
import os
import platform
import subprocess


def describe():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        total_kib = int(f.readline().split()[1])
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        swift = "?"
    try:
        debian = open("/etc/debian_version").read().strip()
    except OSError:
        debian = "?"
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{total_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "os": f"Debian {debian}",
        "swift": swift,
        "libcurl": _first_line(["curl-config", "--version"]),
        "sqlite": _python_sqlite(),
        "nginx": _first_line(["nginx", "-v"], stderr=True),
    }


def _first_line(command, stderr=False):
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError:
        return None
    text = (result.stderr if stderr else result.stdout).strip()
    return text.splitlines()[0] if text else None


def _python_sqlite():
    import sqlite3
    return f"SQLite {sqlite3.sqlite_version}"
