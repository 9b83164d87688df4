#!/usr/bin/env bash
# The public ABI has one layout on every target that includes it.
set -u
rc=0
for target in x86_64-linux-gnu i386-linux-gnu bpf; do
	if out=$(clang -target "$target" -std=gnu11 -ffreestanding -nostdinc \
		-Wall -Werror -Iinclude -fsyntax-only tests/abi/abi_layout.c 2>&1); then
		echo "PASS abi/layout_$target"
	else
		echo "$out"
		echo "FAIL abi/layout_$target: sizes or offsets differ"
		rc=1
	fi
done
# The header stands alone in an old-dialect userspace C build.
if out=$(printf '#include <xfo.h>\nint main(void){return 0;}\n' |
	gcc -std=gnu89 -Wall -Werror -Iinclude -x c -o /dev/null - 2>&1); then
	echo "PASS abi/userspace_include"
else
	echo "$out"
	echo "FAIL abi/userspace_include: include/xfo.h does not build alone"
	rc=1
fi
# The shared pages' header, which brings ../xfo.h with it.
if out=$(printf '#include <io/xfo_areas.h>\nint main(void){return sizeof(struct xfo_ring) != 32 + 8 * XFO_RING_SIZE;}\n' |
	gcc -std=gnu89 -Wall -Werror -Iinclude -x c -o /dev/null - 2>&1); then
	echo "PASS abi/io_areas_include"
else
	echo "$out"
	echo "FAIL abi/io_areas_include: include/io/xfo_areas.h does not build alone"
	rc=1
fi
# The handshake's header too, and its states are Xen's XenbusState numbers
# (Xen's public io/xenbus.h, as the tools install it).
if out=$(printf '%s\n' '#include <xen/io/xenbus.h>' '#include <io/xfo.h>' \
	'#define SAME(x, y) _Static_assert(XFO_XS_STATE_##x == XenbusState##y, #x)' \
	'SAME(UNKNOWN, Unknown); SAME(INITIALISING, Initialising);' \
	'SAME(INITWAIT, InitWait); SAME(INITIALISED, Initialised);' \
	'SAME(CONNECTED, Connected); SAME(CLOSING, Closing);' \
	'SAME(CLOSED, Closed); SAME(MAX, Closed);' \
	'int main(void){return 0;}' |
	gcc -std=gnu11 -Wall -Werror -Iinclude -x c -o /dev/null - 2>&1); then
	echo "PASS abi/io_states_are_xenbus_states"
else
	echo "$out"
	echo "FAIL abi/io_states_are_xenbus_states: include/io/xfo.h does not build alone or its states are not Xen's"
	rc=1
fi
exit $rc
