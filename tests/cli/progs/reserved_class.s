# Class 7 is reserved.
mov %r0, 7
exit
