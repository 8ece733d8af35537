"""Readings from /proc: CPU seconds, memory, context switches, load average."""
import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def stat_cpu(path):
    """(comm, utime + stime in seconds) from a /proc stat file (a process's or one thread's)."""
    with open(path) as f:
        head, _, tail = f.read().rpartition(")")
    fields = tail.split()
    # fields[0] is state (field 3); utime is field 14, stime field 15.
    return head.partition("(")[2], (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    return stat_cpu(f"/proc/{pid}/stat")[1]


def thread_cpu_seconds(pid):
    """{tid: (name, utime + stime in seconds)} of every thread of a process."""
    threads = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            threads[int(task)] = stat_cpu(f"/proc/{pid}/task/{task}/stat")
        except FileNotFoundError:
            continue
    return threads


def busiest_threads(before, after, seconds, count=3):
    """The `count` threads that used the most CPU between two `thread_cpu_seconds` readings, as
    "name tid: N % of `seconds`". Dispatch's worker threads take turns running a serial queue, so
    one queue's work may be spread over several of them."""
    used = []
    for tid, (name, total) in after.items():
        used.append((total - before.get(tid, (name, 0))[1], name, tid))
    used.sort(reverse=True)
    return ", ".join(f"{name} {tid}: {cpu / seconds * 100:.0f} %" for cpu, name, tid in used[:count] if cpu > 0)


def status_fields(pid, task=None):
    path = f"/proc/{pid}/status" if task is None else f"/proc/{pid}/task/{task}/status"
    values = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            values[key] = value.strip()
    return values


def kib(value):
    return int(value.split()[0])


def rss_mib(pid):
    return kib(status_fields(pid)["VmRSS"]) / 1024


def peak_rss_mib(pid):
    return kib(status_fields(pid)["VmHWM"]) / 1024


def context_switches(pid):
    """Voluntary and involuntary switches of the whole process: the sum over its threads."""
    voluntary = involuntary = 0
    for task, name, v, n in thread_switches(pid):
        voluntary += v
        involuntary += n
    return voluntary, involuntary


def thread_switches(pid):
    """(tid, name, voluntary, involuntary) of every thread."""
    rows = []
    for task in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            fields = status_fields(pid, task)
        except FileNotFoundError:
            continue
        rows.append(
            (int(task), fields.get("Name", "?"), int(fields["voluntary_ctxt_switches"]),
             int(fields["nonvoluntary_ctxt_switches"])))
    return rows


def loadavg():
    with open("/proc/loadavg") as f:
        return tuple(float(x) for x in f.read().split()[:3])


def load_text():
    one, five, fifteen = loadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(min(rank, len(ordered))) - 1]
