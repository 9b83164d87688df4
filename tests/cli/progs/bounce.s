# BOUNCE, whatever the fault.
mov %r0, 0
exit
