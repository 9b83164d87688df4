# Refused: a backward jump. Checked mode stops it at the insn limit.
loop:
ja loop
