# Traces "hello" and the fault address, returns ZERO_FILL.
stdw [%r10-8], 0
stw [%r10-8], 0x6c6c6568	# "hell"
stb [%r10-4], 0x6f		# "o"
ldxdw %r2, [%r1]
stxdw [%r10-16], %r2
mov %r1, %r10
add %r1, -8
mov %r2, 5
call 5
mov %r1, %r10
add %r1, -16
mov %r2, 8
call 5
mov %r0, 1
exit
