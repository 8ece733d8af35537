#!/usr/bin/env bash
# Installs and removes concertd's configuration without ever losing an administrator's edit.
#
#   scripts/install-config.sh install   SRC_DIR DEST_DIR DIST_DIR
#   scripts/install-config.sh uninstall         DEST_DIR DIST_DIR
#
# SRC_DIR is the shipped tree (etc/concertd), DEST_DIR where it goes (/etc/concertd), DIST_DIR a
# pristine copy of what the last install shipped (/usr/local/share/concertd/dist). The copy is
# what tells an edited file from an older, unedited one, as dpkg's conffile checksums do:
#
#   file missing                    -> installed
#   file equal to the new version   -> left as it is
#   file equal to the last shipped  -> not edited since: replaced by the new version
#   anything else (edited)          -> kept; the new version goes next to it as FILE.dist
#
# Uninstall removes a file only when it is still the shipped one, and every FILE.dist; an edited
# file stays. Prints one line per file.
set -euo pipefail

say() { printf '  %-9s %s\n' "$1" "$2"; }

# Removes the empty directories under $1, then $1 itself if it is empty.
prune() {
    [ -d "$1" ] || return 0
    find "$1" -depth -type d -empty -exec rmdir {} \;
}

install_tree() {
    local src=$1 dest=$2 dist=$3 rel target shipped
    [ -d "$src" ] || { echo "install-config.sh: $src is not a directory" >&2; exit 1; }
    install -d -m 0755 "$dest"
    while IFS= read -r rel; do
        target=$dest/$rel
        shipped=$dist/$rel
        if [ ! -e "$target" ]; then
            install -D -m 0644 "$src/$rel" "$target"
            say install "$target"
        elif cmp -s "$src/$rel" "$target"; then
            say unchanged "$target"
            if [ -e "$target.dist" ]; then
                rm -f "$target.dist"
                say remove "$target.dist (the file now matches the shipped version)"
            fi
        elif [ -e "$shipped" ] && cmp -s "$shipped" "$target"; then
            install -m 0644 "$src/$rel" "$target"
            say upgrade "$target (not edited since the last install)"
        else
            install -m 0644 "$src/$rel" "$target.dist"
            say keep "$target (edited; the shipped version is $target.dist: compare and merge)"
        fi
        install -D -m 0644 "$src/$rel" "$shipped"
    done < <(cd "$src" && find . -type f ! -name '*.dist' ! -name '*~' | sed 's|^\./||' | LC_ALL=C sort)
    say record "$dist (a copy of the shipped configuration: tells an edited file next time)"
}

uninstall_tree() {
    local dest=$1 dist=$2 rel target
    if [ ! -d "$dist" ]; then
        say skip "$dest (no record of shipped configuration in $dist)"
        return 0
    fi
    while IFS= read -r rel; do
        target=$dest/$rel
        if [ -e "$target" ] && cmp -s "$dist/$rel" "$target"; then
            rm -f "$target"
            say remove "$target"
        elif [ -e "$target" ]; then
            say keep "$target (edited)"
        fi
        if [ -e "$target.dist" ]; then
            rm -f "$target.dist"
            say remove "$target.dist"
        fi
        rm -f "$dist/$rel"
    done < <(cd "$dist" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    prune "$dist"
    say remove "$dist (the copy of the shipped configuration)"
    prune "$dest"
    if [ -d "$dest" ]; then say keep "$dest (holds files of the administrator)"; fi
}

case ${1:-} in
install) [ $# -eq 4 ] || { echo "usage: $0 install SRC_DIR DEST_DIR DIST_DIR" >&2; exit 64; }
    install_tree "$2" "$3" "$4" ;;
uninstall) [ $# -eq 3 ] || { echo "usage: $0 uninstall DEST_DIR DIST_DIR" >&2; exit 64; }
    uninstall_tree "$2" "$3" ;;
*) echo "usage: $0 install SRC_DIR DEST_DIR DIST_DIR | uninstall DEST_DIR DIST_DIR" >&2; exit 64 ;;
esac
