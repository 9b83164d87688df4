// SPDX-License-Identifier: MIT
/*
 * Writes a fuzzing seed for each accepted verifier test: a zeroed context
 * followed by the assembled program, the input format of fuzz_verifier.
 * Maps in the tests are numbered as in the harness (0: 8-byte values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"
#include "../common/asm.h"
#include "../common/datafile.h"

int main(int argc, char **argv)
{
	static const struct xfo_fault_ctx ctx = { .region_id = XFO_REGION_NONE };
	int written = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUT_DIR FILE.data...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		struct ebpf_insn *insns;
		struct datafile df;
		char err[512], path[4096];
		const char *text, *base = strrchr(argv[i], '/');
		uint32_t cnt;
		FILE *f;

		if (datafile_read(argv[i], &df, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		text = datafile_section(&df, "asm");
		if (!text || xfo_asm(text, &insns, &cnt, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", argv[i],
				text ? err : "no -- asm section");
			datafile_free(&df);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s.bin", argv[1],
			 base ? base + 1 : argv[i]);
		f = fopen(path, "wb");
		if (!f || fwrite(&ctx, sizeof(ctx), 1, f) != 1 ||
		    fwrite(insns, sizeof(*insns), cnt, f) != cnt) {
			perror(path);
			return 1;
		}
		fclose(f);
		free(insns);
		datafile_free(&df);
		written++;
	}
	printf("%d seeds written to %s\n", written, argv[1]);
	return 0;
}
