# lab/rootfs.sh: sourced by the initramfs builders. Fills a staging
# shellcheck shell=bash
# directory ($STAGE) with busybox, binaries and the libraries they load,
# kernel modules, and packs it as a gzip'ed newc cpio archive.
# Needs common.sh sourced first and lab/fetch-debs.sh run.

ROOTFS_LIBDIR=lib/x86_64-linux-gnu

# Where ldd looks first: the fetched packages' libraries, so the Xen
# libraries are the fetched version and not whatever the host has. What
# the packages do not bring (libc, libbpf, libelf, ...) comes from the host,
# which is Debian 12 like the lab's kernel and packages.
rootfs_ld_path() {
	printf '%s' "$LAB_SYSROOT/usr/lib/x86_64-linux-gnu:$LAB_SYSROOT/lib/x86_64-linux-gnu"
}

rootfs_init() {
	STAGE=$1
	rm -rf "$STAGE"
	mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,lib64,$ROOTFS_LIBDIR,etc,proc,sys,dev,run,tmp,root,var/lib,var/log,xfo}
	ln -s ../run "$STAGE/var/run"
	chmod 1777 "$STAGE/tmp"
	: >"$STAGE/etc/fstab"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$STAGE/etc/passwd"
	printf 'root:x:0:\n' >"$STAGE/etc/group"
}

rootfs_busybox() {
	local bb=$LAB_SYSROOT/bin/busybox applet
	[ -x "$bb" ] || die "$bb missing: busybox-static was not unpacked"
	install -m 0755 "$bb" "$STAGE/bin/busybox"
	while read -r applet; do
		[ -n "$applet" ] || continue
		[ -e "$STAGE/$applet" ] || [ -L "$STAGE/$applet" ] && continue
		mkdir -p "$STAGE/$(dirname "$applet")"
		ln -s /bin/busybox "$STAGE/$applet"
	done < <("$bb" --list-full)
}

# Strip a copy when strip is there; a missing strip only costs space.
rootfs_strip() {
	command -v strip >/dev/null 2>&1 || return 0
	strip --strip-unneeded "$1" 2>/dev/null || true
}

# rootfs_libs FILE: copies every library FILE loads (as ldd resolves it)
# into the image, and the dynamic loader.
rootfs_libs() {
	local file=$1 out line name path
	out=$(LD_LIBRARY_PATH=$(rootfs_ld_path) ldd "$file" 2>&1) ||
		{ case $out in *"not a dynamic executable"*) return 0 ;; esac
		  die "ldd $file failed: $out"; }
	case $out in *"statically linked"*) return 0 ;; esac
	while read -r line; do
		case $line in
		*"=> not found"*)
			die "$file needs ${line%% *}, which neither the fetched packages nor the host have" ;;
		*"=> /"*)
			name=${line%% *}
			path=${line#*=> }; path=${path%% (*}
			[ -e "$STAGE/$ROOTFS_LIBDIR/$name" ] && continue
			cp -L "$path" "$STAGE/$ROOTFS_LIBDIR/$name" || die "cannot copy $path"
			rootfs_strip "$STAGE/$ROOTFS_LIBDIR/$name"
			;;
		/*)
			path=${line%% (*}
			[ -e "$STAGE$path" ] && continue
			mkdir -p "$STAGE$(dirname "$path")"
			cp -L "$path" "$STAGE$path" || die "cannot copy the loader $path"
			;;
		esac
	done <<<"$out"
}

# rootfs_bin SRC DEST: installs an executable at DEST (a path in the
# image) with its libraries.
rootfs_bin() {
	local src=$1 dest=$2
	[ -f "$src" ] || die "$src missing"
	mkdir -p "$STAGE$(dirname "$dest")"
	install -m 0755 "$src" "$STAGE$dest"
	rootfs_strip "$STAGE$dest"
	rootfs_libs "$src"
}

# rootfs_lib NAME: a library from the fetched packages ldd does not list
# (libgcc_s.so.1, which glibc dlopen()s for pthread_cancel).
rootfs_lib() {
	local name=$1 path="" p
	for p in "$LAB_SYSROOT"/{,usr/}lib/x86_64-linux-gnu/"$name"; do
		[ -e "$p" ] && { path=$p; break; }
	done
	[ -n "$path" ] || die "$name is not in the fetched packages"
	cp -L "$path" "$STAGE/$ROOTFS_LIBDIR/$name"
}

# rootfs_modules KVER NAME...: the named modules and every module they
# depend on (their modinfo depends=), then modules.dep by busybox depmod.
rootfs_modules() {
	local kver=$1 mdir=$LAB_SYSROOT/lib/modules/$1 todo=() done=" " m f deps d
	shift
	[ -d "$mdir" ] || die "$mdir missing: the kernel package was not unpacked"
	todo=("$@")
	while [ ${#todo[@]} -gt 0 ]; do
		m=${todo[0]}; todo=("${todo[@]:1}")
		m=${m//_/-}
		case $done in *" $m "*) continue ;; esac
		done="$done$m "
		f=$(find "$mdir/kernel" \( -name "$m.ko" -o -name "${m//-/_}.ko" \) -print -quit)
		[ -n "$f" ] || die "kernel module $m not found in $mdir"
		mkdir -p "$STAGE/lib/modules/$kver/$(dirname "${f#"$mdir"/}")"
		cp "$f" "$STAGE/lib/modules/$kver/${f#"$mdir"/}"
		deps=$(strings -a "$f" | sed -n 's/^depends=//p' | head -n 1)
		for d in ${deps//,/ }; do todo+=("$d"); done
	done
	cp "$mdir/modules.builtin" "$mdir/modules.order" "$STAGE/lib/modules/$kver/" 2>/dev/null || true
	"$LAB_SYSROOT/bin/busybox" depmod -b "$STAGE" "$kver" ||
		die "busybox depmod for $kver failed"
}

# rootfs_pack OUT: the staging directory as a gzip'ed newc cpio archive,
# every file owned by root.
rootfs_pack() {
	local out=$1
	need_cmd cpio gzip
	mkdir -p "$(dirname "$out")"
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$out.tmp.$$" ||
		die "packing $STAGE into $out failed"
	mv "$out.tmp.$$" "$out"
}

# The xz-compressed bzImage Debian ships, as a gzip'ed vmlinux ELF: Xen's
# domain builder loads that in about half the time (docs/lab.md).
rootfs_domu_kernel() {
	local vmlinuz=$1 out=$2 off
	need_cmd xz gzip grep
	if [ -f "$out" ] && [ "$out" -nt "$vmlinuz" ]; then return 0; fi
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || die "$vmlinuz: no xz stream found (not an xz bzImage?)"
	tail -c +"$((off + 1))" "$vmlinuz" | xz -dc 2>/dev/null | gzip -6 >"$out.tmp.$$" || true
	# xz stops at the end of its stream and complains about what follows.
	[ "$(head -c 4 < <(gzip -dc "$out.tmp.$$" 2>/dev/null) | od -An -c | tr -d ' ')" = '177ELF' ] ||
		{ rm -f "$out.tmp.$$"; die "$vmlinuz: the xz stream at $off did not give an ELF vmlinux"; }
	mv "$out.tmp.$$" "$out"
}
