#!/usr/bin/env python3
"""Writes an mdoc(7) manual page from a swift-argument-parser tool's own description.

    NAME --experimental-dump-help | scripts/generate-man.py --section N --date YYYY-MM-DD

Everything comes from the command definitions: the abstract, the discussion, every subcommand,
argument and option with its value list and default. Paragraphs of the root command's discussion
that begin with "Files:", "Exit status:" or "See also:" become the FILES, EXIT STATUS and SEE ALSO
sections; a tool without an "Exit status:" paragraph is refused (a man page must say what its
statuses mean). Text is ASCII in the output: other characters become groff's \\[uXXXX] escapes,
which groff and mandoc both render.
"""

import argparse
import datetime
import json
import re
import sys

SPECIAL = re.compile(r"^(Files|Exit status|See also):\s*", re.I)


def escape(text):
    """Text safe inside a macro line or a text line: backslashes, non-ASCII, leading dots."""
    text = text.replace("\\", "\\e")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    return text


def text_lines(text):
    """Text lines of a paragraph: a line starting with . or ' would be read as a request."""
    out = []
    for line in escape(text).split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        out.append(line)
    return out


def paragraphs(discussion):
    return [p.strip() for p in re.split(r"\n\s*\n", discussion or "") if p.strip()]


def visible(arguments, root):
    """The arguments worth a line: --help and --version only on the root command."""
    for argument in arguments or []:
        if not argument.get("shouldDisplay", True):
            continue
        if not root and argument.get("preferredName", {}).get("name") in ("help", "version"):
            continue
        yield argument


def flag_names(argument):
    names = []
    for name in argument.get("names", []):
        names.append(("Fl " if name["kind"] == "short" else "Fl -") + name["name"])
    return " , ".join(names)


def argument_item(argument):
    """The .It line of one argument: `Fl -lang Ar lang`, `Ar cities ...`."""
    value = escape(argument.get("valueName", "value"))
    repeat = " ..." if argument.get("isRepeating") else ""
    if argument["kind"] == "positional":
        return f".It Ar {value}{repeat}"
    if argument["kind"] == "flag":
        return f".It {flag_names(argument)}"
    return f".It {flag_names(argument)} Ar {value}{repeat}"


def argument_text(argument):
    lines = text_lines(argument.get("abstract", ""))
    values = argument.get("allValues")
    if values:
        lines.append("One of: " + escape(", ".join(values)) + ".")
    default = argument.get("defaultValue")
    if default and argument["kind"] != "flag":
        lines.append(f"Default: {escape(default)}.")
    if argument.get("discussion"):
        lines += [".Pp"] + text_lines(argument["discussion"])
    return lines


def arguments_list(arguments, root):
    items = list(visible(arguments, root))
    if not items:
        return []
    out = [".Bl -tag -width 6n"]
    for argument in items:
        out.append(argument_item(argument))
        out += argument_text(argument)
    out.append(".El")
    return out


def synopsis(command, path):
    """One synopsis line per runnable command below `command`: its name, positional arguments
    and, when it has options, `[options]`."""
    subcommands = [c for c in command.get("subcommands", []) if c.get("shouldDisplay", True)]
    subcommands = [c for c in subcommands if c["commandName"] != "help"]
    if subcommands and path:
        lines = []
        for sub in subcommands:
            lines += synopsis(sub, path + [sub["commandName"]])
        return lines
    if subcommands:
        return [line for sub in subcommands for line in synopsis(sub, [sub["commandName"]])]
    words = [".Nm"] + [".Cm " + escape(name) for name in path]
    arguments = list(visible(command.get("arguments"), root=not path))
    for argument in arguments:
        if argument["kind"] == "positional":
            item = argument_item(argument)[len(".It ") :]
            words.append(f".Op {item}" if argument.get("isOptional") else f".{item}")
    if any(argument["kind"] != "positional" for argument in arguments):
        words.append(".Op Ar options")
    return words


def commands(command, path):
    """A tag list of the subcommands below `command`, each with its text and arguments."""
    subcommands = [c for c in command.get("subcommands", []) if c.get("shouldDisplay", True)]
    subcommands = [c for c in subcommands if c["commandName"] != "help"]
    if not subcommands:
        return []
    out = [".Bl -tag -width 6n"]
    for sub in subcommands:
        name = path + [sub["commandName"]]
        out.append(".It Cm " + " Cm ".join(escape(n) for n in name))
        out += text_lines(sub.get("abstract", ""))
        for paragraph in paragraphs(sub.get("discussion")):
            out += [".Pp"] + text_lines(paragraph)
        out += arguments_list(sub.get("arguments"), root=False)
        out += commands(sub, name)
    out.append(".El")
    return out


def exit_status(paragraph):
    """`Exit status: 0 success, 1 refused, …` as a list; a comma followed by a number starts an item."""
    items = re.split(r",\s+(?=\d+ )", paragraph.rstrip("."))
    out = [".Bl -tag -width 4n"]
    for item in items:
        number, _, meaning = item.partition(" ")
        if not number.isdigit():
            sys.exit(f"generate-man: cannot read the exit status {item!r}")
        out += [f".It {number}"] + text_lines(meaning[:1].upper() + meaning[1:] + ".")
    out.append(".El")
    return out


def page(tool, section, date):
    root = tool["command"]
    name = root["commandName"]
    special = {}
    description = []
    for paragraph in paragraphs(root.get("discussion")):
        match = SPECIAL.match(paragraph)
        if match:
            special[match.group(1).lower()] = paragraph[match.end():]
        else:
            description.append(paragraph)
    if "exit status" not in special:
        sys.exit(f"generate-man: {name} documents no exit status (an 'Exit status:' paragraph of its discussion)")

    out = [
        f'.\\" Generated by scripts/generate-man.py from `{name} --experimental-dump-help`: do not edit.',
        f".Dd {date.strftime('%B')} {date.day}, {date.year}",
        f".Dt {name.upper()} {section}",
        ".Os",
        ".Sh NAME",
        f".Nm {escape(name)}",
        f".Nd {escape(root.get('abstract', '').rstrip('.'))}",
        ".Sh SYNOPSIS",
    ]
    subcommands = [c for c in root.get("subcommands", []) if c["commandName"] != "help"]
    out += synopsis(root, [])
    out.append(".Sh DESCRIPTION")
    for index, paragraph in enumerate(description):
        if index:
            out.append(".Pp")
        out += text_lines(paragraph)
    if subcommands:
        out += [".Sh COMMANDS"] + commands(root, [])
    if list(visible(root.get("arguments"), root=True)):
        out += [".Sh OPTIONS"] + arguments_list(root.get("arguments"), root=True)
    if "files" in special:
        out += [".Sh FILES"] + text_lines(special["files"])
    out += [".Sh EXIT STATUS"] + exit_status(special["exit status"])
    if "see also" in special:
        out += [".Sh SEE ALSO"] + text_lines(special["see also"])
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--section", required=True)
    parser.add_argument("--date", required=True, type=datetime.date.fromisoformat)
    arguments = parser.parse_args()
    sys.stdout.write(page(json.load(sys.stdin), arguments.section, arguments.date))


if __name__ == "__main__":
    main()
