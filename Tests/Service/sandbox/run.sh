#!/usr/bin/env bash
# Boots systemd in a container over this host's /usr and runs concertd's installed unit there:
# the real sandbox, users, directories, credentials and the control group, with nothing on
# the host changed.
#
#   Tests/Service/sandbox/run.sh NSPAWN OUT_DIR
#
# NSPAWN is a systemd-nspawn binary (Debian: systemd-container; `apt-get download` and
# `dpkg -x` give one without installing it). Needs root and the install binaries built
# (`make install-build`). Writes OUT_DIR/driver.log and one file per finding (see driver.sh).
set -euo pipefail
nspawn=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d /tmp/concertd-sandbox.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work"/{etc-up,etc-work,local-up,local-work}

# 1. The real `make install` (PREFIX=/usr/local, systemd-sysusers included) into overlays.
unshare --mount --propagation private bash -c "
    set -e
    mount -t overlay overlay -o lowerdir=/etc,upperdir=$work/etc-up,workdir=$work/etc-work /etc
    mount -t overlay overlay -o lowerdir=/usr/local,upperdir=$work/local-up,workdir=$work/local-work /usr/local
    cd '$repo' && make --no-print-directory install NO_BUILD=1
" > "$out/install.log" 2>&1

# 2. Two administrators: alice in concertd-control, bob not. The SMTP password file.
etc=$work/etc-up
printf 'alice:x:2001:2001::/nonexistent:/usr/sbin/nologin\nbob:x:2002:2002::/nonexistent:/usr/sbin/nologin\n' >> "$etc/passwd"
printf 'alice:x:2001:\nbob:x:2002:\n' >> "$etc/group"
sed -i 's/^\(concertd-control:x:[0-9]*:.*\)$/\1,alice/' "$etc/group"
install -m 0600 /dev/null "$etc/concertd/smtp-password"
printf 'not-a-real-password\n' > "$etc/concertd/smtp-password"

# 3. The probe units beside the installed one; the stand-in gets concertd's [Service] unchanged
# but for ExecStart=.
units=$work/local-up/lib/systemd/system
sed -e 's|^ExecStart=.*|ExecStart=/usr/bin/python3 /probe/standin.py|' \
    -e 's|^Description=.*|Description=concertd sandbox stand-in|' "$units/concertd.service" > "$units/concertd-standin.service"
cp "$here/concertd-probe.target" "$here/concertd-probe.service" "$units/"

# 4. A root directory of mount points and the merged-/usr symlinks; /usr comes from the host.
root=$work/root
mkdir -p "$root"/{etc,var,tmp,home,root,proc,sys,dev,run,probe,probe-out,usr/lib}
for link in bin sbin lib lib64; do ln -s "usr/$link" "$root/$link"; done
cp /usr/lib/os-release "$root/usr/lib/os-release"
ln -s ../usr/lib/os-release "$root/etc/os-release"

# A debug build (make test installs one) loads the Swift runtime from the toolchain: bind it
# read-only at the same path. The release install links it in and needs nothing.
toolchain=()
libraries=$(ldd "$work/local-up/sbin/concertd" 2>/dev/null || true)
if [[ $libraries == *"=> /opt/swift/"* ]]; then
    toolchain=(--bind-ro=/opt/swift)
    mkdir -p "$root/opt/swift"
fi

timeout 300 "$nspawn" --quiet --register=no --keep-unit --link-journal=no -D "$root" -M concertd-sandbox \
    --bind-ro=/usr:/usr --bind-ro="$work/local-up:/usr/local" --overlay="/etc:$etc:/etc" "${toolchain[@]}" \
    --bind-ro="$here:/probe" --bind="$out:/probe-out" --console=pipe \
    -b -- --unit=concertd-probe.target > "$out/boot.log" 2>&1 || true
[ -f "$out/done" ] || { echo "the probe did not finish; see $out/boot.log and $out/driver.log" >&2; exit 1; }
