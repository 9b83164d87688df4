# hypervisor-patch/: Xen 4.17 with xfo, built from Debian's source package
# (docs/hypervisor.md). Not part of `make`: these fetch and build Xen.
#
#   make xen        build/xen/xen (multiboot ELF for QEMU -kernel), xen.gz
#   make xen-patch  build/xen/xfo-xen-4.17.patch, one patch -p1 for any
#                   Xen 4.17 tree, and build/xen/series/, the same as a
#                   git format-patch series for review
#
# XFO_XEN_VERSION, XFO_XEN_CONFIG and JOBS are passed on through the
# environment; hypervisor-patch/xen-build.sh documents them.
.PHONY: xen xen-patch xen-src
xen:
	hypervisor-patch/xen-build.sh build

xen-patch:
	hypervisor-patch/xen-build.sh patch
	hypervisor-patch/xen-build.sh series

xen-src:
	hypervisor-patch/xen-build.sh fetch
