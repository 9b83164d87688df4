// SPDX-License-Identifier: MIT
/*
 * asm2raw: assembles a program (tests/common/asm.h syntax) into the little-endian
 * bytecode that `xfoctl policy ... --raw` reads.
 *
 *   asm2raw IN.s OUT.bin
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"
#include "../common/asm.h"

int main(int argc, char **argv)
{
	struct ebpf_insn *insns = NULL;
	char err[256], *text = NULL;
	size_t len = 0, cap = 0, got;
	uint32_t cnt = 0, i;
	FILE *in, *out;

	if (argc != 3) {
		fprintf(stderr, "usage: asm2raw IN.s OUT.bin\n");
		return 2;
	}
	in = fopen(argv[1], "r");
	if (!in) {
		fprintf(stderr, "asm2raw: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	do {
		if (len + 4097 > cap) {
			cap = (cap + 4097) * 2;
			text = realloc(text, cap);
			if (!text) {
				fprintf(stderr, "asm2raw: out of memory\n");
				return 1;
			}
		}
		got = fread(text + len, 1, cap - len - 1, in);
		len += got;
	} while (got);
	fclose(in);
	text[len] = '\0';

	if (xfo_asm(text, &insns, &cnt, err, sizeof(err))) {
		fprintf(stderr, "asm2raw: %s: %s\n", argv[1], err);
		free(text);
		return 1;
	}
	free(text);

	out = fopen(argv[2], "wb");
	if (!out) {
		fprintf(stderr, "asm2raw: %s: %s\n", argv[2], strerror(errno));
		free(insns);
		return 1;
	}
	for (i = 0; i < cnt; i++) {
		const struct ebpf_insn *in_insn = &insns[i];
		uint8_t b[8];

		/* Little-endian whatever the host: code, regs, off, imm. */
		b[0] = in_insn->code;
		b[1] = (uint8_t)(in_insn->dst | in_insn->src << 4);
		b[2] = (uint8_t)((uint16_t)in_insn->off & 0xff);
		b[3] = (uint8_t)((uint16_t)in_insn->off >> 8);
		b[4] = (uint8_t)((uint32_t)in_insn->imm & 0xff);
		b[5] = (uint8_t)((uint32_t)in_insn->imm >> 8);
		b[6] = (uint8_t)((uint32_t)in_insn->imm >> 16);
		b[7] = (uint8_t)((uint32_t)in_insn->imm >> 24);
		fwrite(b, 1, sizeof(b), out);
	}
	free(insns);
	if (fclose(out)) {
		fprintf(stderr, "asm2raw: %s: write failed\n", argv[2]);
		return 1;
	}
	return 0;
}
