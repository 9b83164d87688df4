# scripts/: the project's own tools.
#
#   make style   Xen's CODING_STYLE over core/ and the Xen sources, the
#                kernel's checkpatch.pl over the guest module, shellcheck
#                over every shell script (scripts/style.sh); non-zero on
#                any finding
.PHONY: style
style: deps
	scripts/style.sh
