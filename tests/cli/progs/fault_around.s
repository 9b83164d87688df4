# FAULT_AROUND(n) with n = pool_level / 16, at most 16; BOUNCE when the
# region does not allow it.
ldxw %r2, [%r1+52]		# region_classes
mov %r0, 0
jset %r2, 4, allowed
exit
allowed:
ldxw %r3, [%r1+56]		# pool_level
rsh %r3, 4
jle %r3, 16, small
mov %r3, 16
small:
lsh %r3, 8
mov %r0, %r3
or %r0, 2
exit
