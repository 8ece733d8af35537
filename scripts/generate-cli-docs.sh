#!/usr/bin/env bash
# Regenerates the shell completions and manual pages from the command definitions of concertctl
# and concertd (swift-argument-parser), so that they cannot say something the binaries do not.
#   scripts/generate-cli-docs.sh          write share/completions/ and share/man/
#   scripts/generate-cli-docs.sh --check  also fail when the committed files were out of date
# The pages are mdoc(7) written by scripts/generate-man.py from `TOOL --experimental-dump-help`;
# each page's date is the author date of the last commit that changed its tool's sources (today
# while they have uncommitted changes), so regenerating is reproducible. A test
# (GeneratedDocsTests) compares the committed files with what the built binaries generate.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

swift_quiet() { "$SWIFT" "$@" 2> >(grep -v "Source files for target" >&2); }

swift_quiet build --product concertctl
swift_quiet build --product concertd
bin="$("$SWIFT" build --show-bin-path)"

# The date of the last change to the sources given, as YYYY-MM-DD.
page_date() {
    if [ -n "$(git status --porcelain -- "$@" 2>/dev/null)" ]; then
        date +%F
    else
        changed=$(git log -1 --format=%as -- "$@" 2>/dev/null || true)
        echo "${changed:-$(date +%F)}"
    fi
}

mkdir -p share/completions share/man/man1 share/man/man8
"$bin/concertctl" --generate-completion-script bash > share/completions/concertctl.bash
"$bin/concertctl" --generate-completion-script zsh > share/completions/_concertctl
"$bin/concertctl" --generate-completion-script fish > share/completions/concertctl.fish
"$bin/concertctl" --experimental-dump-help \
    | scripts/generate-man.py --section 1 --date "$(page_date Sources/concertctl)" > share/man/man1/concertctl.1
"$bin/concertd" --experimental-dump-help \
    | scripts/generate-man.py --section 8 --date "$(page_date Sources/concertd)" > share/man/man8/concertd.8

echo "wrote share/completions/{concertctl.bash,_concertctl,concertctl.fish}, share/man/man1/concertctl.1 and share/man/man8/concertd.8"
if [ "${1:-}" = --check ]; then
    git diff --exit-code --stat -- share/ || { echo "generated CLI docs were out of date; commit them" >&2; exit 1; }
fi
