#!/usr/bin/env bash
# nrm installed as a user installs it (docs/install.md): `cmake --install` into a fresh prefix, then
# the installed binary run from elsewhere finds the installed data (not the source tree), NRM_DATA
# overrides it, --version, nrm(1) in English and French, the systemd unit and its user; and the
# .deb that `cpack -G DEB` makes holds the same. Exit 1 naming the first thing that is wrong.
# Usage: install_test.sh BUILD_DIR
set -uo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install_test: $*" >&2; exit 1; }
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "cmake --install failed"; }
for f in bin/nrm share/nrm/data/providers.yaml share/nrm/data/communities.csv share/nrm/data/roads.csv \
         share/nrm/data/profiles.yaml share/nrm/data/outlines.geojson share/nrm/rules/eligibility.yaml \
         share/doc/nrm/README.md share/doc/nrm/install.md share/man/man1/nrm.1 share/man/fr/man1/nrm.1 \
         lib/systemd/system/nrm.service lib/sysusers.d/nrm.conf; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
run() { (cd / && env -u NRM_DATA LC_ALL=C "$@"); }
# The installed binary reads the installed data, from any folder.
out=$(run "$prefix/bin/nrm" validate) || fail "installed nrm validate failed: $out"
case "$out" in "ok: 1"*) ;; *) fail "unexpected validate output: $out" ;; esac
out=$(run "$prefix/bin/nrm" refer --at iqaluit-nu --needs shelter.emergency --as-of 2026-11-27 --when 2026-11-27T14:00) ||
  fail "installed nrm refer failed: $out"
case "$out" in *"Case at Iqaluit"*) ;; *) fail "unexpected refer output: $out" ;; esac
# Proof that it is the installed copy: break it, and the error names the installed file.
printf 'schema: 1\nproviders: [\n' >"$prefix/share/nrm/data/providers.yaml"
out=$(run "$prefix/bin/nrm" validate 2>&1) && fail "a broken installed providers.yaml was not noticed"
case "$out" in *"$prefix/share/nrm/data/providers.yaml"*) ;; *) fail "the error does not name the installed file: $out" ;; esac
# NRM_DATA overrides: a copy of the shipped data elsewhere.
mkdir -p "$work/other" && cp -r "$(dirname "$0")/../../data" "$(dirname "$0")/../../rules" "$work/other/"
out=$(cd / && NRM_DATA=$work/other LC_ALL=C "$prefix/bin/nrm" validate) || fail "NRM_DATA was not used: $out"
case "$out" in "ok: 1"*) ;; *) fail "unexpected validate output with NRM_DATA: $out" ;; esac
out=$(run "$prefix/bin/nrm" --version) || fail "--version failed"
case "$out" in "nrm "[0-9]*) ;; *) fail "unexpected --version: $out" ;; esac
# The man pages are the binary's own help, in each language.
grep -q '^\.SS "nrm refer"' "$prefix/share/man/man1/nrm.1" || fail "nrm.1 lacks the refer command"
grep -q 'Affiche cette aide' "$prefix/share/man/fr/man1/nrm.1" || fail "the French nrm.1 is not in French"
# The service runs the installed binary as its own user, with a state directory.
grep -q "^ExecStart=$prefix/bin/nrm serve --db /var/lib/nrm/nrm.db" "$prefix/lib/systemd/system/nrm.service" ||
  fail "nrm.service does not start $prefix/bin/nrm: $(grep ExecStart "$prefix/lib/systemd/system/nrm.service")"
grep -q '^User=nrm' "$prefix/lib/systemd/system/nrm.service" || fail "nrm.service does not run as nrm"
grep -q '^StateDirectory=nrm' "$prefix/lib/systemd/system/nrm.service" || fail "nrm.service has no state directory"
grep -q '^u nrm ' "$prefix/lib/sysusers.d/nrm.conf" || fail "no nrm user in sysusers.d"
# The Debian package.
command -v cpack >/dev/null && command -v dpkg-deb >/dev/null || fail "cpack or dpkg-deb missing"
(cd "$build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/deb/*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "cpack made no .deb"
contents=$(dpkg-deb -c "$deb")
for f in bin/nrm share/nrm/data/providers.yaml share/nrm/rules/eligibility.yaml share/man/man1/nrm.1 \
         lib/systemd/system/nrm.service lib/sysusers.d/nrm.conf; do
  printf '%s\n' "$contents" | grep -q "/$f\$" || fail "the .deb lacks $f"
done
info=$(dpkg-deb -I "$deb")
printf '%s\n' "$info" | grep -q '^ Package: nrm' || fail "the .deb is not named nrm"
printf '%s\n' "$info" | grep -q '^ Depends: .*libyaml' || printf '%s\n' "$info" | grep -q '^ Depends: .*libc6' || fail "the .deb has no dependencies: $info"
echo "install_test: ok ($(basename "$deb"))"
