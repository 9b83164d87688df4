# lab/debs.sh: choosing and fetching Debian packages into a cache of
# .deb files, for lab/fetch-debs.sh (the lab) and
# guest-agent/kmod/fetch-headers.sh (the guest kernel's headers).
# shellcheck shell=bash
#
# Needs log and die (lab/common.sh). debs_init DIR first: DIR is the
# cache, a .deb already there is never fetched again.
#
# The fallback both follow: a pinned version is used when it is cached or
# the mirror offers it, the package lists refreshed once before giving up
# on it; otherwise the newest version of its series (choose), and for a
# kernel package whose ABI is gone, the newest 6.1.0-N ABI
# (choose_kernel).

# debs_init DIR: DIR is the cache. Sets an EXIT trap.
debs_init() {
	DEB_CACHE=$1
	mkdir -p "$DEB_CACHE"
	# Once per run; the choices run in subshells, so a file remembers it.
	apt_flag=$DEB_CACHE/.apt-updated.$$
	trap 'rm -f "$apt_flag"' EXIT
}

apt_update_once() {
	[ -e "$apt_flag" ] && return 0
	: >"$apt_flag"
	log "refreshing the package lists (apt-get update)"
	apt-get update -qq >&2 || die "apt-get update failed: the package mirror is not reachable"
}

# apt's file name for a version: the epoch colon is written %3a.
deb_glob() { printf '%s_%s_*.deb' "$1" "${2//:/%3a}"; }

# cached_deb NAME VERSION: the cached .deb's path, or status 1.
cached_deb() {
	local f
	for f in "$DEB_CACHE"/$(deb_glob "$1" "$2"); do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Versions of a binary package the mirror offers, newest first.
versions_of() {
	apt-cache madison "$1" 2>/dev/null |
		awk -F'|' '$3 !~ /Sources/ { gsub(/ /, "", $2); print $2 }' |
		sort -u | sort -rV
}

# Versions are compared the way dpkg does, not as text.
newest_of() {
	local best="" v
	while read -r v; do
		[ -z "$v" ] && continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	echo "$best"
}

# choose NAME PIN SERIES: echoes "name version" for one package: the pin
# when it is cached or offered, else the newest version offered that
# matches SERIES (a regex on the version, or "any"); status 1 for none.
choose() {
	local name=$1 pin=$2 series=$3 offered v
	if cached_deb "$name" "$pin" >/dev/null; then
		echo "$name $pin"; return
	fi
	offered=$(versions_of "$name")
	if [ -z "$offered" ]; then
		apt_update_once
		offered=$(versions_of "$name")
	fi
	if printf '%s\n' "$offered" | grep -qxF -- "$pin"; then
		echo "$name $pin"; return
	fi
	# Not offered: maybe the lists are only stale.
	if [ ! -e "$apt_flag" ]; then
		apt_update_once
		offered=$(versions_of "$name")
		if printf '%s\n' "$offered" | grep -qxF -- "$pin"; then
			echo "$name $pin"; return
		fi
	fi
	if [ "$series" = any ]; then
		v=$(printf '%s\n' "$offered" | newest_of)
	else
		v=$(printf '%s\n' "$offered" | grep -E -- "$series" | newest_of || true)
	fi
	[ -n "$v" ] || return 1
	echo "$name $v"
}

# choose_kernel KIND ABI PIN: echoes "name version" for
# linux-KIND-ABI-amd64 (KIND image or headers) as choose does; when the
# mirror offers no version of it at all, the newest version of the newest
# linux-KIND-6.1.0-N-amd64 it offers. Status 1 for none.
choose_kernel() {
	local kind=$1 abi=$2 pin=$3 name=linux-$1-$2-amd64
	if cached_deb "$name" "$pin" >/dev/null; then
		echo "$name $pin"; return
	fi
	[ -n "$(versions_of "$name")" ] || apt_update_once
	if [ -n "$(versions_of "$name")" ]; then
		choose "$name" "$pin" any; return
	fi
	abi=$(apt-cache pkgnames "linux-$kind-6.1.0-" 2>/dev/null |
		sed -n "s/^linux-$kind-\(6\.1\.0-[0-9][0-9]*\)-amd64\$/\1/p" |
		sort -V | tail -n 1)
	[ -n "$abi" ] || return 1
	choose "linux-$kind-$abi-amd64" none any
}

# fetch NAME VERSION: the path of NAME's .deb at VERSION in the cache,
# downloaded first when it is not there.
fetch() {
	local name=$1 version=$2 f tmp
	if f=$(cached_deb "$name" "$version"); then
		echo "$f"; return
	fi
	tmp=$(mktemp -d "$DEB_CACHE/.dl.XXXXXX")
	log "downloading $name=$version"
	if ! (cd "$tmp" && apt-get download -qq "$name=$version" >/dev/null 2>"$tmp/.err"); then
		apt_update_once
		(cd "$tmp" && apt-get download -qq "$name=$version" >/dev/null 2>"$tmp/.err") || {
			cat "$tmp/.err" >&2
			rm -rf "$tmp"
			die "apt-get download $name=$version failed"
		}
	fi
	for f in "$tmp"/*.deb; do
		[ -f "$f" ] || die "apt-get download $name=$version wrote no .deb"
		mv "$f" "$DEB_CACHE/"
	done
	rm -rf "$tmp"
	cached_deb "$name" "$version" || die "downloaded $name=$version but cannot find its .deb"
}
