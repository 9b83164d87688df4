# FAULT_AROUND(17): valid encoding, n above XFO_FAULT_AROUND_MAX.
mov %r0, 0x1102
exit
