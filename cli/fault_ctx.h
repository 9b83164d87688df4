/* SPDX-License-Identifier: MIT */
/*
 * The --ctx syntax of `xfoctl policy run`: builds a struct xfo_fault_ctx
 * from comma-separated FIELD=VALUE items. FAULT_CTX_HELP documents it.
 */
#ifndef XFOCTL_FAULT_CTX_H
#define XFOCTL_FAULT_CTX_H

#include <stddef.h>
#include <stdint.h>

#include <xfo.h>

#include "json_writer.h"

struct fault_ctx_spec {
	struct xfo_fault_ctx ctx;
	unsigned int seen;		/* bit per field given */
	bool region_range;		/* region had START-END */
	bool region_prot;		/* region had PROT */
	bool region_classes;		/* region had CLASSES */
};

#define FAULT_CTX_HELP \
"  CTX is FIELD=VALUE[,FIELD=VALUE...]; --ctx may be repeated, a field\n" \
"  given once. Fields, [default]:\n" \
"    addr=N            faulting address, cr2 (alias cr2)           [0]\n" \
"    ip=N              guest instruction pointer (alias rip)       [0]\n" \
"    error=FLAGS       #PF error code (alias error_code): numbers or\n" \
"                      names joined by '|' or '+': present write\n" \
"                      user rsvd insn pk, and read (no bit)        [0]\n" \
"    mode=user|kernel  privilege of the access    [user if error has user]\n" \
"    vcpu=N            vCPU id                                     [0]\n" \
"    domid=N           domain id, 0..65535 (alias dom)             [0]\n" \
"    region=REGION     none or ID[:RANGE[:PROT[:CLASSES]]]      [none]\n" \
"      RANGE           START-END or START+SIZE, page aligned\n" \
"                                           [the page holding addr]\n" \
"      PROT            letters of rwx ('-' skipped), or names read\n" \
"                      write exec joined by '|' or '+', or a number [rw]\n" \
"      CLASSES         names bounce zero_fill fault_around all\n" \
"                      joined by '|' or '+', or a bit mask       [all]\n" \
"    pool=LEVEL[/SIZE] free-page pool level and capacity     [256/256]\n" \
"  Numbers are decimal, 0x hex or 0 octal. Example:\n" \
"    --ctx 'addr=0x7f0000001234,error=write|user,pool=32' \\\n" \
"    --ctx 'region=3:0x7f0000000000+0x100000:rw:zero_fill|fault_around'\n"

void fault_ctx_init(struct fault_ctx_spec *spec);
/* Parses one --ctx argument into spec; on error, err names the problem. */
int fault_ctx_parse(struct fault_ctx_spec *spec, const char *text,
		    char *err, size_t err_size);
/* Fills the defaults that depend on other fields; checks the whole. */
int fault_ctx_finish(struct fault_ctx_spec *spec, char *err, size_t err_size);

/* "write|user" for an error code; "zero_fill|fault_around" for classes;
 * "rw-" for a protection. Return buf. */
const char *fault_ctx_pfec_str(uint32_t pfec, char *buf, size_t size);
const char *fault_ctx_classes_str(uint32_t classes, char *buf, size_t size);
const char *fault_ctx_prot_str(uint32_t prot, char *buf, size_t size);
/* "BOUNCE", "ZERO_FILL", "FAULT_AROUND", or NULL for a reserved class. */
const char *fault_ctx_class_name(uint32_t cls);

void fault_ctx_print(FILE *f, const struct xfo_fault_ctx *ctx);
void fault_ctx_json(struct json_writer *w, const struct xfo_fault_ctx *ctx);

#endif /* XFOCTL_FAULT_CTX_H */
