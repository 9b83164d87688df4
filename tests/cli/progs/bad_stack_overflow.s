# Refused: a store below the 512-byte stack. Checked mode stops it too.
stdw [%r10-520], 1
mov %r0, 0
exit
