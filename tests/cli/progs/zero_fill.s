# ZERO_FILL for a user-mode write fault, else BOUNCE.
ldxw %r2, [%r1+16]		# error_code
mov %r0, 0
jset %r2, 1, out		# present: a protection fault
and %r2, 6
jne %r2, 6, out			# not write|user
mov %r0, 1
out:
exit
