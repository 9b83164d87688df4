# lab/: the QEMU lab, Xen with a Debian dom0 and PV domUs under TCG
# (docs/lab.md). Its output is in build/lab; the project's binaries it
# packs come from $(LAB_BUILD), built here first without sanitizers.
#
#   make lab-debs       fetch and unpack the Debian packages (cached)
#   make lab-boot       smoke boot: xl info, a PV domU; checks the end line
#   make lab-shell      a dom0 shell on this terminal (Ctrl-a x quits)
#   LAB_XEN=debian|patched|auto|FILE picks the Xen (default auto: the
#   patched build/xen/xen when it exists, else Debian's)

LAB_BUILD ?= build/rel
LAB_XEN   ?= auto

.PHONY: lab-debs lab-userspace lab-boot lab-shell

lab-debs:
	lab/fetch-debs.sh

# xfoctl and the policies are needed; xfo_probe (a test program) is
# packed when it builds.
lab-userspace:
	$(MAKE) --no-print-directory O=$(LAB_BUILD) SAN=0 $(LAB_BUILD)/xfoctl \
		$(patsubst bpf/%.bpf.c,$(LAB_BUILD)/bpf/%.bpf.o,$(wildcard bpf/*.bpf.c))
	$(MAKE) --no-print-directory O=$(LAB_BUILD) SAN=0 \
		$(LAB_BUILD)/tests/e2e/xfo_probe || \
		echo "lab: note: $(LAB_BUILD)/tests/e2e/xfo_probe did not build; the lab goes without it"
	$(MAKE) --no-print-directory O=$(LAB_BUILD) SAN=0 guest || \
		echo "lab: note: the guest module and agent did not build; the domU goes without them"

lab-boot: lab-userspace
	lab/run-payload.sh --name lab-boot --build $(LAB_BUILD) \
		--payload lab/payloads/smoke --domu-payload lab/payloads/smoke-domu \
		--xen $(LAB_XEN) --timeout 240

lab-shell: lab-userspace
	lab/fetch-debs.sh --quiet
	lab/mkinitramfs-dom0.sh -o build/lab/lab-shell.img --build $(LAB_BUILD) \
		--domu-payload lab/payloads/smoke-domu
	lab/boot.sh --initrd build/lab/lab-shell.img --name lab-shell \
		--xen $(LAB_XEN) --interactive
