"""Writes the measured part of BENCHMARKS.md between two markers, keeping the hand-written rest."""
import datetime
import os

BEGIN = "<!-- bench:begin (written by `make bench`; edit outside these markers) -->"
END = "<!-- bench:end -->"


def render(machine, command, commit, started, finished, results, quick):
    lines = [BEGIN, "", f"## Latest run{' (quick: smaller sizes, not the targets’ sizes)' if quick else ''}", ""]
    lines.append(f"- Command: `{command}`")
    lines.append(f"- Date: {started:%Y-%m-%d %H:%M} – {finished:%H:%M} UTC; commit `{commit}`")
    lines.append(f"- Machine: {machine['cores']} cores, {machine['cpu']}; {machine['memory']} memory; "
                 f"kernel {machine['kernel']}; {machine['os']}")
    lines.append(f"- Swift: {machine['swift']}")
    lines.append(f"- Peers: {machine['nginx'] or 'nginx ?'} (1 worker, `return 204`, keep-alive); postfix smtp-sink; "
                 f"{machine['libcurl'] or 'libcurl ?'}; {machine['sqlite']}")
    lines.append("- The machine is shared: each figure carries the load average when it was taken. Ratios "
                 "compare figures of the same run.")
    lines.append("")
    lines.append("| scenario | figure | value | target | verdict | load (1/5/15 min) |")
    lines.append("|---|---|---:|---|---|---|")
    for f in results.figures:
        name = f.name + (f" — {f.note}" if f.note else "")
        verdict = {True: "met", False: "**missed**", None: ""}[f.met]
        load = f.load.replace("load ", "")
        lines.append(f"| {f.scenario} | {name.replace('|', '/')} | {f.value_text()} | {f.target} | {verdict} | {load} |")
    if results.notes:
        lines.append("")
        lines.append("Notes of the run:")
        lines.append("")
        for scenario, text in results.notes:
            lines.append(f"- {scenario}: {text}")
    lines += ["", END]
    return "\n".join(lines)


def write(path, machine, command, commit, started, results, quick):
    finished = datetime.datetime.now(datetime.timezone.utc)
    block = render(machine, command, commit, started, finished, results, quick)
    if os.path.exists(path):
        text = open(path).read()
    else:
        text = "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
