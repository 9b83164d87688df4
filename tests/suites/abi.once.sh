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
exit $rc
