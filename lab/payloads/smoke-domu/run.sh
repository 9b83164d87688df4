# shellcheck shell=sh
# The smoke domU's payload: it knows its domain id through xenstore, can
# write its own keys, and has /dev/xen/privcmd for hypercalls.
set -e
id=$(xenstore-read domid)
[ "$id" -gt 0 ]
xenstore-write data/smoke ok
[ -c /dev/xen/privcmd ]
echo "domU $id: xenstore and /dev/xen/privcmd work"
