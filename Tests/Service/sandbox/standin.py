"""A stand-in for the finished concertd, run by concertd-standin.service: the installed unit's
[Service] section with only ExecStart= changed. It does each thing the daemon needs to do
inside the sandbox and records in $STATE_DIRECTORY/standin.json whether it worked."""

import grp
import json
import os
import pwd
import signal
import socket
import sqlite3
import struct
import sys
import threading

env = {
    name: os.environ.get(name)
    for name in ("STATE_DIRECTORY", "RUNTIME_DIRECTORY", "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY",
                 "NOTIFY_SOCKET", "WATCHDOG_USEC")
}
umask = os.umask(0o077)
os.umask(umask)
result = {"env": env, "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "umask": oct(umask)}
state, runtime = env["STATE_DIRECTORY"], env["RUNTIME_DIRECTORY"]
control_gid = grp.getgrnam("concertd-control").gr_gid


def attempt(name, action):
    try:
        result[name] = ["ok", action()]
    except Exception as error:  # every failure is a finding
        result[name] = ["error", f"{type(error).__name__}: {error}"]


def notify(message):
    address = env["NOTIFY_SOCKET"]
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(message.encode(), address)


def database():
    path = os.path.join(state, "standin.sqlite3")
    connection = sqlite3.connect(path)
    connection.execute("pragma journal_mode=wal")
    connection.execute("create table if not exists t(x)")
    connection.execute("insert into t values (1)")
    connection.commit()
    return oct(os.stat(path).st_mode & 0o777)


def credential():
    directory = env["CREDENTIALS_DIRECTORY"]
    if not directory:
        return None
    info = os.stat(os.path.join(directory, "smtp-password"))
    return {"directory": directory, "bytes": info.st_size, "mode": oct(info.st_mode & 0o777), "uid": info.st_uid}


attempt("sqlite_wal_in_state_directory", database)
attempt("read_catalog", lambda: len(open(os.path.join(env["CONFIGURATION_DIRECTORY"], "concerts.json5")).read()))
attempt("read_ca_bundle", lambda: len(open("/etc/ssl/certs/ca-certificates.crt").read()))
attempt("write_configuration_directory", lambda: open("/etc/concertd/written-by-daemon", "w").close())
attempt("list_home", lambda: os.listdir("/home"))
attempt("visible_pids", lambda: sorted(p for p in os.listdir("/proc") if p.isdigit()))
attempt("getaddrinfo_addrconfig", lambda: socket.getaddrinfo("localhost", 25, flags=socket.AI_ADDRCONFIG)[0][4])
# The driver's listener: a free port, written where the sandbox can read it.
probe_port = int(open("/run/concertd-probe.port").read())
attempt("tcp_connect_loopback", lambda: socket.create_connection(("127.0.0.1", probe_port), timeout=3).recv(64).decode())
attempt("netlink_socket", lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).close())
attempt("groups_of_alice", lambda: os.getgrouplist("alice", pwd.getpwnam("alice").pw_gid))
attempt("credential_smtp_password", credential)

socket_path = os.path.join(runtime, "control.sock")
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def listen():
    """What ControlServer does: bind, chmod 0660, and chown only when the file's group is not the
    control group already (the unit's filter has no @chown: under it, the group is the primary one)."""
    server.bind(socket_path)
    os.chmod(socket_path, 0o660)
    if os.stat(socket_path).st_gid != control_gid:
        os.chown(socket_path, -1, control_gid)
    server.listen(8)
    return True


attempt("control_socket", listen)


def serve():
    """Answers each client with what SO_PEERCRED says and whether the daemon's policy admits it."""
    while True:
        client, _ = server.accept()
        _, uid, gid = struct.unpack("3i", client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        try:
            groups = os.getgrouplist(pwd.getpwuid(uid).pw_name, gid)
        except KeyError:
            groups = []
        allowed = uid in (0, os.getuid()) or gid == control_gid or control_gid in groups
        client.sendall(f"uid={uid} allowed={allowed}\n".encode())
        client.close()


def save():
    with open(os.path.join(state, "standin.json"), "w") as file:
        json.dump(result, file, indent=1)


def stop(*_):
    notify("STOPPING=1")
    save()
    os.unlink(socket_path)
    sys.exit(0)


def reload(*_):
    notify("RELOADING=1")
    result.setdefault("reloads", 0)
    result["reloads"] += 1
    save()
    notify("READY=1")


threading.Thread(target=serve, daemon=True).start()
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGHUP, reload)
save()
notify("READY=1\nSTATUS=stand-in listening")
while True:
    signal.pause()
