# Bits 16-63 set: not a verdict.
lddw %r0, 0x10001
exit
