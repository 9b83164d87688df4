# lab/pins.sh: the Debian package versions the lab and the guest module
# were last tested with. The one place they are written; sourced by
# lab/fetch-debs.sh, guest-agent/kmod/fetch-headers.sh,
# scripts/fetch-checkpatch.sh and hypervisor-patch/xen-build.sh. A pin
# that the archive no longer offers falls back as lab/debs.sh describes,
# loudly.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the sourcing scripts read these

# The kernel ABI (linux-image-<ABI>-amd64, its -headers and -common) and
# the Debian version of those three.
LAB_KERNEL_ABI_PIN=${LAB_KERNEL_ABI_PIN:-6.1.0-56}
LAB_KERNEL_VERSION_PIN=${LAB_KERNEL_VERSION_PIN:-6.1.192-2}
# linux-kbuild-6.1 is built from the same source but moves on its own.
LAB_KBUILD_VERSION_PIN=${LAB_KBUILD_VERSION_PIN:-6.1.192-3}

# linux-source-6.1, for the kernel's checkpatch.pl (make style).
LAB_LINUX_SOURCE_PIN=${LAB_LINUX_SOURCE_PIN:-6.1.192-2}

# Xen: the source package `xen` and the binary debs built from it.
LAB_XEN_VERSION_PIN=${LAB_XEN_PIN:-4.17.5+72-g01140da4e8-1}
LAB_XEN_SERIES='^([0-9]+:)?4\.17\.'
