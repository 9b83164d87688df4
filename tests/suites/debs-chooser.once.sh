#!/usr/bin/env bash
# lab/debs.sh's choices against fabricated archives (XFO_DEBS_OFFERED: a
# file of "package version" lines stands in for apt): which version of
# each package the lab and the guest module use when pins are offered,
# when they are gone, when a whole kernel ABI is gone, when kbuild moved
# on without the headers, and when nothing fits. No network, no apt.
# Usage: tests/suites/debs-chooser.once.sh [BUILD_DIR]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$PWD

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The archive of 2026-12-07, as far as the lab's kernel goes.
cat >"$T/today" <<'EOF'
linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-common 6.1.192-2
linux-kbuild-6.1 6.1.192-3
linux-kbuild-6.1 6.1.176-1
linux-image-6.1.0-55-amd64 6.1.176-1
linux-headers-6.1.0-55-amd64 6.1.176-1
linux-headers-6.1.0-55-common 6.1.176-1
xen-utils-4.17 4.17.5+72-g01140da4e8-1
xen-utils-4.17 4.17.3+10-g091466ba55-1~deb12u1
EOF

# run ARCHIVE CACHED SHELL-CODE: the code with lab/common.sh and
# lab/debs.sh loaded, ARCHIVE as what is offered and CACHED ("name
# version" lines, or "") as .debs already in the cache. Its stdout goes to
# $T/out, its stderr to $T/log, its status to $rc.
run() {
	local archive=$1 cached=$2 code=$3 name version
	rm -rf "$T/cache"
	mkdir -p "$T/cache"
	while read -r name version; do
		[ -n "$name" ] && : >"$T/cache/${name}_${version//:/%3a}_amd64.deb"
	done <<<"$cached"
	(
		export XFO_DEBS_OFFERED=$archive
		. "$root/lab/common.sh"
		. "$root/lab/debs.sh"
		lab_name=chooser
		debs_init "$T/cache"
		eval "$code"
	) >"$T/out" 2>"$T/log"
	rc=$?
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/log"; }

# expect NAME WANT_RC WANT_OUT LOG_RE [NO_LOG_RE]: the last run's status,
# its whole stdout, a regex its log must match and one it must not.
expect() {
	local name=$1 want_rc=$2 want_out=$3 log_re=$4 no_log_re=${5:-}
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$name" "status $rc, wanted $want_rc"
	elif [ "$(cat "$T/out")" != "$want_out" ]; then
		fail "$name" "chose '$(tr '\n' ';' <"$T/out")', wanted '$(tr '\n' ';' <<<"$want_out")'"
	elif [ -n "$log_re" ] && ! grep -qE -- "$log_re" "$T/log"; then
		fail "$name" "the log does not say /$log_re/"
	elif [ -n "$no_log_re" ] && grep -qE -- "$no_log_re" "$T/log"; then
		fail "$name" "the log says /$no_log_re/"
	else
		pass "$name"
	fi
}

kset='choose_kernel_set 6.1.0-56 6.1.192-2'

# --- the kernel set -----------------------------------------------------------
sed 's/^linux-kbuild-6.1 6.1.192-3$/linux-kbuild-6.1 6.1.192-2/' "$T/today" >"$T/pins"
run "$T/pins" "" "$kset 6.1.192-2"
expect "kernel-pins-offered-are-used" 0 "linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-common 6.1.192-2
linux-kbuild-6.1 6.1.192-2" "" FALLBACK

run "$T/today" "" "$kset 6.1.192-2"
expect "kbuild-moved-on-alone-takes-its-own-revision" 0 "linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-common 6.1.192-2
linux-kbuild-6.1 6.1.192-3" \
	"FALLBACK linux-kbuild-6.1: pinned 6.1.192-2 is not offered; USING 6.1.192-3"

run "$T/today" "linux-kbuild-6.1 6.1.192-2" "$kset 6.1.192-2"
expect "kbuild-pin-cached-but-gone-is-still-used" 0 "linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-common 6.1.192-2
linux-kbuild-6.1 6.1.192-2" "" FALLBACK

grep -v '^linux-kbuild' "$T/today" >"$T/a"
printf '%s\n' "linux-kbuild-6.1 6.1.176-1" "linux-kbuild-6.1 6.1.200-1" >>"$T/a"
run "$T/a" "" "$kset 6.1.192-2"
expect "kbuild-without-the-headers-upstream-takes-newest-6.1" 0 "linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-common 6.1.192-2
linux-kbuild-6.1 6.1.200-1" "FALLBACK linux-kbuild-6.1: .*USING 6.1.200-1"

sed 's/6\.1\.192-2$/6.1.192-3/' "$T/today" >"$T/a"
run "$T/a" "" "$kset 6.1.192-3"
expect "kernel-version-pin-gone-takes-newest-of-the-abi" 0 "linux-image-6.1.0-56-amd64 6.1.192-3
linux-headers-6.1.0-56-amd64 6.1.192-3
linux-headers-6.1.0-56-common 6.1.192-3
linux-kbuild-6.1 6.1.192-3" \
	"FALLBACK linux-image-6.1.0-56-amd64: pinned 6.1.192-2 is not offered; USING 6.1.192-3"

# Headers one revision ahead of the image: the pair keeps its ABI, each
# package at the version offered.
sed 's/^\(linux-headers-6.1.0-56-[a-z0-9]*\) 6\.1\.192-2$/\1 6.1.192-3/' "$T/today" >"$T/a"
run "$T/a" "" "$kset 6.1.192-3"
expect "headers-ahead-of-image-keep-the-abi" 0 "linux-image-6.1.0-56-amd64 6.1.192-2
linux-headers-6.1.0-56-amd64 6.1.192-3
linux-headers-6.1.0-56-common 6.1.192-3
linux-kbuild-6.1 6.1.192-3" "FALLBACK linux-headers-6.1.0-56-amd64"

# ABI 56 gone; 58 offers an image but no headers: 57 is the newest pair.
grep -v -- '-6\.1\.0-56-' "$T/today" >"$T/a"
printf '%s\n' "linux-image-6.1.0-57-amd64 6.1.200-1" \
	"linux-headers-6.1.0-57-amd64 6.1.200-1" \
	"linux-headers-6.1.0-57-common 6.1.200-1" \
	"linux-image-6.1.0-58-amd64 6.1.201-1" \
	"linux-kbuild-6.1 6.1.200-1" >>"$T/a"
run "$T/a" "" "$kset 6.1.192-3"
expect "kernel-abi-gone-takes-newest-abi-with-image-and-headers" 0 "linux-image-6.1.0-57-amd64 6.1.200-1
linux-headers-6.1.0-57-amd64 6.1.200-1
linux-headers-6.1.0-57-common 6.1.200-1
linux-kbuild-6.1 6.1.200-1" "FALLBACK kernel ABI: .*6\.1\.0-56.*USING ABI 6\.1\.0-57"

: >"$T/empty"
run "$T/empty" "" "$kset 6.1.192-3"
expect "kernel-nothing-offered-names-what-is-missing" 1 "" \
	"ERROR: no 6\.1\.0-N kernel ABI offers both linux-image and linux-headers \(pinned 6\.1\.0-56"

grep -v '^linux-headers-6.1.0-56-common' "$T/today" >"$T/a"
run "$T/a" "" "$kset 6.1.192-3"
expect "kernel-common-missing-names-package-and-offer" 1 "" \
	"ERROR: no version of linux-headers-6\.1\.0-56-common fits: pinned 6\.1\.192-2.*offers: nothing"

# --- one package and its series ---------------------------------------------------
printf '%s\n' "xen-utils-4.17 4.17.7+13-g2445b30a44-0+deb12u1" \
	"xen-utils-4.17 4.17.3+10-g091466ba55-1~deb12u1" \
	"xen-utils-4.17 4.18.0-1" >"$T/a"
run "$T/a" "" "choose xen-utils-4.17 4.17.5+72-g01140da4e8-1 '^([0-9]+:)?4\.17\.'"
expect "xen-pin-gone-takes-newest-of-the-series" 0 \
	"xen-utils-4.17 4.17.7+13-g2445b30a44-0+deb12u1" \
	"FALLBACK xen-utils-4.17: pinned 4.17.5\+72-g01140da4e8-1 is not offered; USING 4.17.7"

printf '%s\n' "xen-utils-4.17 4.18.0-1" >"$T/a"
run "$T/a" "" "choose xen-utils-4.17 4.17.5+72-g01140da4e8-1 '^([0-9]+:)?4\.17\.'"
expect "xen-only-other-series-offered-names-the-offer" 1 "" \
	"ERROR: no version of xen-utils-4\.17 fits: .*offers: 4\.18\.0-1"

run "$T/today" "" "choose xen-utils-4.17 4.17.5+72-g01140da4e8-1 '^([0-9]+:)?4\.17\.'"
expect "xen-pin-offered-is-used" 0 "xen-utils-4.17 4.17.5+72-g01140da4e8-1" "" FALLBACK

printf '%s\n' "busybox-static 1:1.35.0-4+deb12u1+b1" "busybox-static 1:1.36.1-9" \
	"libfoo 1.2-9" "libfoo 1.2-10" >"$T/a"
run "$T/a" "" "choose libfoo 1.1-1 any; choose busybox-static 1:1.35.0-4+deb12u1 any"
expect "newest-is-by-dpkg-order-with-epochs" 0 "libfoo 1.2-10
busybox-static 1:1.36.1-9" "USING 1\.2-10"

printf '%s\n' "src:xen 4.17.5+72-g01140da4e8-1" "src:xen 4.18.0-1" \
	"src:xen 4.17.7+13-g2445b30a44-0+deb12u1" "xen-utils-4.17 4.17.0-1" >"$T/a"
run "$T/a" "" ". lab/pins.sh; offered_source_versions xen | grep -E \"\$LAB_XEN_SERIES\""
expect "xen-source-candidates-are-the-series-newest-first" 0 \
	"4.17.7+13-g2445b30a44-0+deb12u1
4.17.5+72-g01140da4e8-1" ""

# --- the record -----------------------------------------------------------------
printf '%s\n' "libfoo 1" "linux-kbuild-6.1 6.1.192-2" "kernel-release 6.1.0-56-amd64" >"$T/v"
run "$T/empty" "" "versions_record '$T/v' 'linux-kbuild-6.1 6.1.192-3' 'libbar 2'; cat '$T/v'"
expect "versions-record-replaces-only-named-packages" 0 "libfoo 1
kernel-release 6.1.0-56-amd64
linux-kbuild-6.1 6.1.192-3
libbar 2" ""
