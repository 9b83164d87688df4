# hypervisor-patch/: Xen 4.17 with xfo, built from Debian's source package
# (docs/hypervisor.md). Not part of `make`: these fetch and build Xen.
#
#   make xen        build/xen/xen (multiboot ELF for QEMU -kernel), xen.gz
#   make xen-perfc  build/xen-perfc/xen: the same with Xen's perf counters
#                   and their arrays (CONFIG_PERF_COUNTERS, _ARRAYS), for
#                   the lab benchmark's counting boot only
#   make xen-patch  build/xen/xfo-xen-4.17.patch, one patch -p1 for any
#                   Xen 4.17 tree, and build/xen/series/, the same as a
#                   git format-patch series for review
#
# XFO_XEN_VERSION, XFO_XEN_CONFIG and JOBS are passed on through the
# environment; hypervisor-patch/xen-build.sh documents them.

# Perf counters cost time on every path they count, so the timed boots
# never use this build.
XEN_PERFC_CONFIG := CONFIG_EXPERT=y CONFIG_PERF_COUNTERS=y CONFIG_PERF_ARRAYS=y

.PHONY: xen xen-perfc xen-patch xen-src
xen:
	hypervisor-patch/xen-build.sh build

xen-perfc:
	XFO_XEN_BUILD=build/xen-perfc XFO_XEN_SRC=build/xen/src \
	XFO_XEN_CONFIG="$(XEN_PERFC_CONFIG)" hypervisor-patch/xen-build.sh build

xen-patch:
	hypervisor-patch/xen-build.sh patch
	hypervisor-patch/xen-build.sh series

xen-src:
	hypervisor-patch/xen-build.sh fetch
