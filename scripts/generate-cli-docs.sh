#!/usr/bin/env bash
# Regenerates concertctl's shell completion scripts and man page from its command definitions.
#   scripts/generate-cli-docs.sh          write share/completions/ and share/man/man1/concertctl.1
#   scripts/generate-cli-docs.sh --check  also fail when the committed files were out of date
# Works offline: swift-argument-parser's generate-manual plugin comes with the package's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

swift_quiet() { "$SWIFT" "$@" 2> >(grep -v "Source files for target" >&2); }

swift_quiet build --product concertctl
bin="$("$SWIFT" build --show-bin-path)/concertctl"

mkdir -p share/completions share/man/man1
"$bin" --generate-completion-script bash > share/completions/concertctl.bash
"$bin" --generate-completion-script zsh > share/completions/_concertctl
"$bin" --generate-completion-script fish > share/completions/concertctl.fish

# The manual's date is that of the last change to the commands, so regenerating is reproducible.
date=$(git log -1 --format=%cs -- Sources/concertctl 2>/dev/null || true)
date=${date:-$(date +%F)}
# The plugin documents every executable product; only concertctl's page is kept here.
swift_quiet package plugin generate-manual --configuration debug --date "$date" >/dev/null
cp .build/plugins/GenerateManual/outputs/concertctl/concertctl.1 share/man/man1/concertctl.1

echo "wrote share/completions/{concertctl.bash,_concertctl,concertctl.fish} and share/man/man1/concertctl.1"
if [ "${1:-}" = --check ]; then
    git diff --exit-code --stat -- share/ || { echo "generated CLI docs were out of date; commit them" >&2; exit 1; }
fi
