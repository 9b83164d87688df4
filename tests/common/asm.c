// SPDX-License-Identifier: MIT
/*
 * A small assembler for the uBPF syntax of the eBPF conformance suite, plus
 * the two forms the project's own tests need (see asm.h):
 *
 *   mov %r0, 1          mov32 %r1, %r2      add64 %r1, -3     neg %r1
 *   sdiv %r1, %r2       smod32 %r1, 7       movsx832 %r1, %r2 movsx3264 ...
 *   be16 %r0  le32 %r0  swap64 %r0  bswap16 %r0
 *   ldxw %r0, [%r1+4]   ldxsb %r0, [%r10-1] stdw [%r10-8], 5  stxb [%r1], %r2
 *   lock add [%r10-8], %r1      lock fetch xor32 [%r10-4], %r1
 *   lock xchg [%r10-8], %r1     lock cmpxchg32 [%r10-8], %r1
 *   jeq %r1, 5, label   jsgt32 %r1, %r2, +3 ja -1  ja32 label
 *   call 1  call helper 1  call local fn  call %r2  exit
 *   lddw %r0, 0x1122334455667788   lddw %r1, map:0
 *   raw 0x0000000000000095
 *
 * Registers are %r0..%r10 (the % is optional). '#' starts a comment;
 * "name:" defines a label, alone or before an instruction. As in the
 * conformance suite's own assembler, "exit" names the first exit
 * instruction unless a label of that name is defined.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libxfo.h"
#include "asm.h"

#define ASM_MAX_LINE	1024
#define ASM_MAX_NAME	64

enum fixup_kind {
	FIX_OFF,		/* insn.off = target - pc - 1 */
	FIX_IMM,		/* insn.imm = target - pc - 1 */
};

struct label {
	char name[ASM_MAX_NAME];
	uint32_t pc;
	unsigned int line;
};

struct fixup {
	char name[ASM_MAX_NAME];
	uint32_t pc;
	unsigned int line;
	enum fixup_kind kind;
};

struct asm_state {
	struct ebpf_insn *insns;
	uint32_t cnt, cap;
	struct label *labels;
	uint32_t label_cnt, label_cap;
	struct fixup *fixups;
	uint32_t fixup_cnt, fixup_cap;
	uint32_t first_exit;	/* UINT32_MAX: none yet */
	unsigned int line;	/* 1-based number of the line being read */
	const char *text;	/* that line, comment stripped and trimmed */
	char orig[ASM_MAX_LINE];	/* the copy text points to */
	char *err;
	size_t err_size;
	bool failed;
};

static void asm_error(struct asm_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void asm_error(struct asm_state *st, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (st->failed)
		return;
	st->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (st->err && st->err_size) {
		if (st->text)
			snprintf(st->err, st->err_size, "line %u: %s: '%s'",
				 st->line, msg, st->text);
		else
			snprintf(st->err, st->err_size, "line %u: %s",
				 st->line, msg);
	}
}

static bool grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap;
	void *p;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

static struct ebpf_insn *emit(struct asm_state *st)
{
	struct ebpf_insn *insn;

	if (st->cnt >= XFO_MAX_INSNS * 16u) {
		asm_error(st, "program too long");
		return NULL;
	}
	if (!grow((void **)&st->insns, &st->cap, st->cnt + 1,
		  sizeof(*st->insns))) {
		asm_error(st, "out of memory");
		return NULL;
	}
	insn = &st->insns[st->cnt++];
	memset(insn, 0, sizeof(*insn));
	return insn;
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_' || c == '.';
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

static bool valid_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= ASM_MAX_NAME || !is_ident_start(s[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!is_ident(s[i]))
			return false;
	return true;
}

static struct label *find_label(struct asm_state *st, const char *name)
{
	uint32_t i;

	for (i = 0; i < st->label_cnt; i++)
		if (!strcmp(st->labels[i].name, name))
			return &st->labels[i];
	return NULL;
}

static void add_label(struct asm_state *st, const char *name, size_t len)
{
	struct label *l;
	char buf[ASM_MAX_NAME];

	if (!valid_name(name, len)) {
		asm_error(st, "invalid label name");
		return;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	l = find_label(st, buf);
	if (l) {
		asm_error(st, "label '%s' already defined at line %u", buf,
			  l->line);
		return;
	}
	if (!grow((void **)&st->labels, &st->label_cap, st->label_cnt + 1,
		  sizeof(*st->labels))) {
		asm_error(st, "out of memory");
		return;
	}
	l = &st->labels[st->label_cnt++];
	strcpy(l->name, buf);
	l->pc = st->cnt;
	l->line = st->line;
}

static void add_fixup(struct asm_state *st, const char *name,
		      enum fixup_kind kind)
{
	struct fixup *f;

	if (!grow((void **)&st->fixups, &st->fixup_cap, st->fixup_cnt + 1,
		  sizeof(*st->fixups))) {
		asm_error(st, "out of memory");
		return;
	}
	f = &st->fixups[st->fixup_cnt++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->pc = st->cnt - 1;
	f->line = st->line;
	f->kind = kind;
}

/* ---------------------------------------------------------------------
 * Operands
 * --------------------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * A number: optional sign, then decimal or 0x hex. *neg tells the sign,
 * *mag the magnitude. Returns false when s is not entirely a number.
 */
static bool parse_number(const char *s, bool *neg, uint64_t *mag)
{
	const char *p = s;
	char *end;
	int base = 10;

	*neg = false;
	if (*p == '+' || *p == '-') {
		*neg = *p == '-';
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return false;
	} else if (!isdigit((unsigned char)*p)) {
		return false;
	}
	errno = 0;
	*mag = strtoull(p, &end, base);
	if (errno == ERANGE || *end)
		return false;
	return true;
}

/* A signed value in [min, max_unsigned] (negatives down to min). */
static bool parse_int(struct asm_state *st, const char *s, int64_t min,
		      uint64_t umax, uint64_t *out, const char *what)
{
	bool neg;
	uint64_t mag;

	if (!parse_number(s, &neg, &mag)) {
		asm_error(st, "expected %s, got '%s'", what, s);
		return false;
	}
	if (neg) {
		if (mag > (uint64_t)0 - (uint64_t)min) {
			asm_error(st, "%s '%s' out of range", what, s);
			return false;
		}
		*out = (uint64_t)0 - mag;
	} else {
		if (mag > umax) {
			asm_error(st, "%s '%s' out of range", what, s);
			return false;
		}
		*out = mag;
	}
	return true;
}

/* A 32-bit immediate: -2^31 .. 2^32-1, as the suite writes 0xffffffff. */
static bool parse_imm32(struct asm_state *st, const char *s, int32_t *imm)
{
	uint64_t v;

	if (!parse_int(st, s, INT32_MIN, UINT32_MAX, &v, "immediate"))
		return false;
	*imm = (int32_t)(uint32_t)v;
	return true;
}

static bool is_register(const char *s)
{
	if (*s == '%')
		s++;
	return s[0] == 'r' && isdigit((unsigned char)s[1]);
}

static bool parse_reg(struct asm_state *st, const char *s, uint8_t *reg)
{
	const char *p = s;
	unsigned long n;
	char *end;

	if (*p == '%')
		p++;
	if (*p != 'r' || !isdigit((unsigned char)p[1])) {
		asm_error(st, "expected a register %%r0..%%r10, got '%s'", s);
		return false;
	}
	n = strtoul(p + 1, &end, 10);
	if (*end || n > 10) {
		asm_error(st, "invalid register '%s'", s);
		return false;
	}
	*reg = (uint8_t)n;
	return true;
}

/* [%rN], [%rN+off], [%rN-off] */
static bool parse_mem(struct asm_state *st, char *s, uint8_t *reg,
		      int16_t *off)
{
	char *p, *close, *sign;
	uint64_t v;
	char save;

	s = trim(s);
	if (*s != '[') {
		asm_error(st, "expected a memory operand [%%rN+off], got '%s'",
			  s);
		return false;
	}
	close = strchr(s, ']');
	if (!close || close[1] != '\0') {
		asm_error(st, "malformed memory operand '%s'", s);
		return false;
	}
	*close = '\0';
	p = trim(s + 1);
	sign = strpbrk(p, "+-");
	*off = 0;
	if (sign) {
		save = *sign;
		*sign = '\0';
		if (!parse_reg(st, trim(p), reg))
			return false;
		*sign = save;
		if (!parse_int(st, trim(sign), INT16_MIN, INT16_MAX, &v,
			       "offset"))
			return false;
		*off = (int16_t)(uint16_t)v;
	} else if (!parse_reg(st, trim(p), reg)) {
		return false;
	}
	return true;
}

/*
 * A jump target: +N, -N or N (relative) or a label, fixed up later.
 * wide: the offset goes in imm (ja32, call local), else in off.
 */
static bool parse_target(struct asm_state *st, const char *s,
			 struct ebpf_insn *insn, bool wide)
{
	uint64_t v;

	if (*s == '+' || *s == '-' || isdigit((unsigned char)*s)) {
		if (wide) {
			if (!parse_int(st, s, INT32_MIN, INT32_MAX, &v,
				       "jump offset"))
				return false;
			insn->imm = (int32_t)(uint32_t)v;
		} else {
			if (!parse_int(st, s, INT16_MIN, INT16_MAX, &v,
				       "jump offset"))
				return false;
			insn->off = (int16_t)(uint16_t)v;
		}
		return true;
	}
	if (!valid_name(s, strlen(s))) {
		asm_error(st, "expected a label or +N/-N, got '%s'", s);
		return false;
	}
	add_fixup(st, s, wide ? FIX_IMM : FIX_OFF);
	return !st->failed;
}

/* Splits s at commas into at most max operands; returns how many. */
static int split_operands(char *s, char **ops, int max)
{
	int n = 0;
	char *p;

	s = trim(s);
	if (!*s)
		return 0;
	for (;;) {
		p = strchr(s, ',');
		if (n == max)
			return max + 1;
		if (p)
			*p = '\0';
		ops[n++] = trim(s);
		if (!p)
			return n;
		s = p + 1;
	}
}

static bool want_operands(struct asm_state *st, const char *mn, int got,
			  int want)
{
	if (got == want)
		return true;
	asm_error(st, "'%s' takes %d operand%s, got %s%d", mn, want,
		  want == 1 ? "" : "s", got > want ? "more than " : "",
		  got > want ? want : got);
	return false;
}

/* ---------------------------------------------------------------------
 * Mnemonics
 * --------------------------------------------------------------------- */

struct op_name {
	const char *name;
	uint8_t op;
};

static const struct op_name alu_ops[] = {
	{ "add", EBPF_ALU_ADD }, { "sub", EBPF_ALU_SUB },
	{ "mul", EBPF_ALU_MUL }, { "div", EBPF_ALU_DIV },
	{ "sdiv", EBPF_ALU_DIV }, { "or", EBPF_ALU_OR },
	{ "and", EBPF_ALU_AND }, { "lsh", EBPF_ALU_LSH },
	{ "rsh", EBPF_ALU_RSH }, { "mod", EBPF_ALU_MOD },
	{ "smod", EBPF_ALU_MOD }, { "xor", EBPF_ALU_XOR },
	{ "mov", EBPF_ALU_MOV }, { "arsh", EBPF_ALU_ARSH },
	{ "neg", EBPF_ALU_NEG },
};

static const struct op_name jmp_ops[] = {
	{ "jeq", EBPF_JMP_JEQ }, { "jgt", EBPF_JMP_JGT },
	{ "jge", EBPF_JMP_JGE }, { "jset", EBPF_JMP_JSET },
	{ "jne", EBPF_JMP_JNE }, { "jsgt", EBPF_JMP_JSGT },
	{ "jsge", EBPF_JMP_JSGE }, { "jlt", EBPF_JMP_JLT },
	{ "jle", EBPF_JMP_JLE }, { "jslt", EBPF_JMP_JSLT },
	{ "jsle", EBPF_JMP_JSLE },
};

static const struct op_name atomic_ops[] = {
	{ "add", EBPF_ATOMIC_ADD }, { "or", EBPF_ATOMIC_OR },
	{ "and", EBPF_ATOMIC_AND }, { "xor", EBPF_ATOMIC_XOR },
	{ "xchg", EBPF_ATOMIC_XCHG }, { "cmpxchg", EBPF_ATOMIC_CMPXCHG },
};

static const struct op_name *find_op(const struct op_name *tab, size_t n,
				     const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

/* Splits "add32" into base "add" and class by its 32/64 suffix. */
static void split_suffix(const char *mn, char *base, size_t size, bool *is32)
{
	size_t len = strlen(mn);

	*is32 = false;
	if (len > 2 && (!strcmp(mn + len - 2, "32") ||
			!strcmp(mn + len - 2, "64"))) {
		*is32 = mn[len - 2] == '3';
		len -= 2;
	}
	if (len >= size)
		len = size - 1;
	memcpy(base, mn, len);
	base[len] = '\0';
}

static uint8_t size_code(const char *s)
{
	if (!strcmp(s, "b"))
		return EBPF_SIZE_B;
	if (!strcmp(s, "h"))
		return EBPF_SIZE_H;
	if (!strcmp(s, "w"))
		return EBPF_SIZE_W;
	if (!strcmp(s, "dw"))
		return EBPF_SIZE_DW;
	return 0xff;
}

static void asm_alu(struct asm_state *st, const char *mn, const char *base,
		    bool is32, uint8_t op, char **ops, int n)
{
	struct ebpf_insn *insn;
	uint8_t reg;

	if (op == EBPF_ALU_NEG) {
		if (!want_operands(st, mn, n, 1) || !parse_reg(st, ops[0], &reg))
			return;
		insn = emit(st);
		if (!insn)
			return;
		insn->code = (is32 ? EBPF_CLS_ALU : EBPF_CLS_ALU64) |
			     EBPF_SRC_K | EBPF_ALU_NEG;
		insn->dst = reg;
		return;
	}
	if (!want_operands(st, mn, n, 2) || !parse_reg(st, ops[0], &reg))
		return;
	insn = emit(st);
	if (!insn)
		return;
	insn->code = (is32 ? EBPF_CLS_ALU : EBPF_CLS_ALU64) | op;
	insn->dst = reg;
	if (base[0] == 's' && (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD))
		insn->off = 1;
	if (is_register(ops[1])) {
		insn->code |= EBPF_SRC_X;
		if (parse_reg(st, ops[1], &reg))
			insn->src = reg;
	} else {
		parse_imm32(st, ops[1], &insn->imm);
	}
}

/* movsx832 movsx1632 movsx864 movsx1664 movsx3264 */
static bool asm_movsx(struct asm_state *st, const char *mn, char **ops, int n)
{
	static const struct {
		const char *name;
		uint8_t cls;
		int16_t off;
	} forms[] = {
		{ "movsx832", EBPF_CLS_ALU, 8 },
		{ "movsx1632", EBPF_CLS_ALU, 16 },
		{ "movsx864", EBPF_CLS_ALU64, 8 },
		{ "movsx1664", EBPF_CLS_ALU64, 16 },
		{ "movsx3264", EBPF_CLS_ALU64, 32 },
	};
	struct ebpf_insn *insn;
	uint8_t dst, src;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strcmp(mn, forms[i].name))
			continue;
		if (!want_operands(st, mn, n, 2) ||
		    !parse_reg(st, ops[0], &dst) ||
		    !parse_reg(st, ops[1], &src))
			return true;
		insn = emit(st);
		if (!insn)
			return true;
		insn->code = forms[i].cls | EBPF_SRC_X | EBPF_ALU_MOV;
		insn->dst = dst;
		insn->src = src;
		insn->off = forms[i].off;
		return true;
	}
	return false;
}

/* be16/be32/be64, le16/le32/le64, swap16.., bswap16.. */
static bool asm_end(struct asm_state *st, const char *mn, char **ops, int n)
{
	struct ebpf_insn *insn;
	const char *w;
	uint8_t code, reg;
	int width;

	if (!strncmp(mn, "be", 2)) {
		code = EBPF_CLS_ALU | EBPF_END_TO_BE | EBPF_ALU_END;
		w = mn + 2;
	} else if (!strncmp(mn, "le", 2)) {
		code = EBPF_CLS_ALU | EBPF_END_TO_LE | EBPF_ALU_END;
		w = mn + 2;
	} else if (!strncmp(mn, "swap", 4)) {
		code = EBPF_CLS_ALU64 | EBPF_END_TO_LE | EBPF_ALU_END;
		w = mn + 4;
	} else if (!strncmp(mn, "bswap", 5)) {
		code = EBPF_CLS_ALU64 | EBPF_END_TO_LE | EBPF_ALU_END;
		w = mn + 5;
	} else {
		return false;
	}
	if (!strcmp(w, "16"))
		width = 16;
	else if (!strcmp(w, "32"))
		width = 32;
	else if (!strcmp(w, "64"))
		width = 64;
	else
		return false;
	if (!want_operands(st, mn, n, 1) || !parse_reg(st, ops[0], &reg))
		return true;
	insn = emit(st);
	if (!insn)
		return true;
	insn->code = code;
	insn->dst = reg;
	insn->imm = width;
	return true;
}

/* The loads and stores: a mnemonic is a prefix and a size suffix. */
enum ldst_operands {
	LDST_REG_MEM,		/* ldx %rD, [%rS+off] */
	LDST_MEM_REG,		/* stx [%rD+off], %rS */
	LDST_MEM_IMM,		/* st [%rD+off], imm */
};

struct ldst_form {
	const char *prefix;
	uint8_t code;		/* class and mode */
	enum ldst_operands operands;
	bool no_dw;		/* no sign-extending 64-bit load */
};

/* The first match wins: "ldxs" before "ldx", "stx" before "st". */
static const struct ldst_form ldst_forms[] = {
	{ "ldxs", EBPF_CLS_LDX | EBPF_MODE_MEMSX, LDST_REG_MEM, true },
	{ "ldx", EBPF_CLS_LDX | EBPF_MODE_MEM, LDST_REG_MEM, false },
	{ "stx", EBPF_CLS_STX | EBPF_MODE_MEM, LDST_MEM_REG, false },
	{ "st", EBPF_CLS_ST | EBPF_MODE_MEM, LDST_MEM_IMM, false },
};

/* The form of mn and its size code; NULL when mn is none of them. */
static const struct ldst_form *find_ldst(const char *mn, uint8_t *size)
{
	size_t i, len;

	for (i = 0; i < sizeof(ldst_forms) / sizeof(ldst_forms[0]); i++) {
		len = strlen(ldst_forms[i].prefix);
		if (strncmp(mn, ldst_forms[i].prefix, len))
			continue;
		*size = size_code(mn + len);
		if (*size != 0xff &&
		    !(ldst_forms[i].no_dw && *size == EBPF_SIZE_DW))
			return &ldst_forms[i];
	}
	return NULL;
}

/* ldxb.. ldxdw, ldxsb.. ldxsw, stb.. stdw, stxb.. stxdw */
static bool asm_ldst(struct asm_state *st, const char *mn, char **ops, int n)
{
	const struct ldst_form *f;
	struct ebpf_insn *insn;
	uint8_t size, reg = 0, mreg = 0;
	int16_t off = 0;
	int32_t imm = 0;
	bool ok;

	f = find_ldst(mn, &size);
	if (!f)
		return false;
	if (!want_operands(st, mn, n, 2))
		return true;
	/* In the order written, so that the first bad operand is named. */
	switch (f->operands) {
	case LDST_REG_MEM:
		ok = parse_reg(st, ops[0], &reg) &&
		     parse_mem(st, ops[1], &mreg, &off);
		break;
	case LDST_MEM_REG:
		ok = parse_mem(st, ops[0], &mreg, &off) &&
		     parse_reg(st, ops[1], &reg);
		break;
	default:
		ok = parse_mem(st, ops[0], &mreg, &off) &&
		     parse_imm32(st, ops[1], &imm);
		break;
	}
	if (!ok)
		return true;
	insn = emit(st);
	if (!insn)
		return true;
	insn->code = f->code | size;
	/* A load's register is the destination, a store's the source. */
	insn->dst = f->operands == LDST_REG_MEM ? reg : mreg;
	insn->src = f->operands == LDST_REG_MEM ? mreg : reg;
	insn->off = off;
	insn->imm = imm;
	return true;
}

/* lock [fetch] add|or|and|xor[32] [mem], %rN; lock xchg|cmpxchg[32] ... */
static void asm_lock(struct asm_state *st, char *rest)
{
	const struct op_name *op;
	struct ebpf_insn *insn;
	char *ops[3], *bracket, *word, *p;
	char base[16];
	bool fetch = false, is32;
	uint8_t mreg, reg;
	int16_t off;
	int n;

	bracket = strchr(rest, '[');
	if (!bracket) {
		asm_error(st, "lock: expected an operation and [%%rN+off], %%rM");
		return;
	}
	/* Words before the bracket: [fetch] op */
	{
		char words[64];
		size_t len = (size_t)(bracket - rest);
		char *save = NULL;

		if (len >= sizeof(words)) {
			asm_error(st, "lock: operation too long");
			return;
		}
		memcpy(words, rest, len);
		words[len] = '\0';
		word = strtok_r(words, " \t", &save);
		if (word && !strcmp(word, "fetch")) {
			fetch = true;
			word = strtok_r(NULL, " \t", &save);
		}
		if (!word) {
			asm_error(st, "lock: missing operation");
			return;
		}
		p = strtok_r(NULL, " \t", &save);
		if (p) {
			asm_error(st, "lock: unexpected '%s'", p);
			return;
		}
		split_suffix(word, base, sizeof(base), &is32);
		op = find_op(atomic_ops, sizeof(atomic_ops) / sizeof(atomic_ops[0]),
			     base);
		if (!op) {
			asm_error(st, "lock: unknown atomic operation '%s'", word);
			return;
		}
		if (fetch && (op->op & EBPF_ATOMIC_FETCH)) {
			asm_error(st, "lock: '%s' always fetches", word);
			return;
		}
	}
	n = split_operands(bracket, ops, 2);
	if (!want_operands(st, "lock", n, 2) ||
	    !parse_mem(st, ops[0], &mreg, &off) ||
	    !parse_reg(st, ops[1], &reg))
		return;
	insn = emit(st);
	if (!insn)
		return;
	insn->code = EBPF_CLS_STX | EBPF_MODE_ATOMIC |
		     (is32 ? EBPF_SIZE_W : EBPF_SIZE_DW);
	insn->dst = mreg;
	insn->src = reg;
	insn->off = off;
	insn->imm = op->op | (fetch ? EBPF_ATOMIC_FETCH : 0);
}

static void asm_call(struct asm_state *st, char *rest)
{
	struct ebpf_insn *insn;
	char *arg = trim(rest), *sp;
	uint8_t reg;
	uint64_t v;

	sp = arg + strcspn(arg, " \t");
	if (*sp && !strncmp(arg, "local", 5) && sp == arg + 5) {
		insn = emit(st);
		if (!insn)
			return;
		insn->code = EBPF_OP_CALL;
		insn->src = EBPF_CALL_LOCAL;
		parse_target(st, trim(sp), insn, true);
		return;
	}
	if (*sp && !strncmp(arg, "helper", 6) && sp == arg + 6)
		arg = trim(sp);
	if (!*arg) {
		asm_error(st, "call: missing target");
		return;
	}
	if (is_register(arg)) {
		if (!parse_reg(st, arg, &reg))
			return;
		insn = emit(st);
		if (!insn)
			return;
		insn->code = EBPF_OP_CALLX;
		insn->dst = reg;
		return;
	}
	if (!parse_int(st, arg, 0, INT32_MAX, &v, "helper number"))
		return;
	insn = emit(st);
	if (!insn)
		return;
	insn->code = EBPF_OP_CALL;
	insn->imm = (int32_t)v;
}

static void asm_lddw(struct asm_state *st, const char *mn, char **ops, int n)
{
	struct ebpf_insn *insn;
	uint64_t v;
	uint8_t reg;
	bool map = false;

	if (!want_operands(st, mn, n, 2) || !parse_reg(st, ops[0], &reg))
		return;
	if (!strncmp(ops[1], "map:", 4)) {
		map = true;
		if (!parse_int(st, trim(ops[1] + 4), 0, INT32_MAX, &v,
			       "map index"))
			return;
	} else if (!parse_int(st, ops[1], INT64_MIN, UINT64_MAX, &v,
			      "64-bit immediate")) {
		return;
	}
	insn = emit(st);
	if (!insn)
		return;
	insn->code = EBPF_OP_LDDW;
	insn->dst = reg;
	insn->src = map ? XFO_PSEUDO_MAP_IDX : 0;
	insn->imm = (int32_t)(uint32_t)v;
	insn = emit(st);
	if (!insn)
		return;
	insn->imm = map ? 0 : (int32_t)(uint32_t)(v >> 32);
}

static void asm_raw(struct asm_state *st, const char *mn, char **ops, int n)
{
	struct ebpf_insn *insn;
	uint64_t v;

	if (!want_operands(st, mn, n, 1) ||
	    !parse_int(st, ops[0], 0, UINT64_MAX, &v, "64-bit word"))
		return;
	insn = emit(st);
	if (!insn)
		return;
	insn->code = (uint8_t)v;
	insn->dst = (v >> 8) & 0xf;
	insn->src = (v >> 12) & 0xf;
	insn->off = (int16_t)(uint16_t)(v >> 16);
	insn->imm = (int32_t)(uint32_t)(v >> 32);
}

static void asm_jump(struct asm_state *st, const char *mn, bool is32,
		     uint8_t op, char **ops, int n)
{
	struct ebpf_insn *insn;
	uint8_t reg;

	if (!want_operands(st, mn, n, 3) || !parse_reg(st, ops[0], &reg))
		return;
	insn = emit(st);
	if (!insn)
		return;
	insn->code = (is32 ? EBPF_CLS_JMP32 : EBPF_CLS_JMP) | op;
	insn->dst = reg;
	if (is_register(ops[1])) {
		insn->code |= EBPF_SRC_X;
		if (!parse_reg(st, ops[1], &reg))
			return;
		insn->src = reg;
	} else if (!parse_imm32(st, ops[1], &insn->imm)) {
		return;
	}
	parse_target(st, ops[2], insn, false);
}

static void asm_insn(struct asm_state *st, char *s)
{
	char mn[32], base[32];
	char *rest, *ops[4];
	const struct op_name *op;
	size_t len;
	bool is32;
	int n;

	len = strcspn(s, " \t");
	if (len >= sizeof(mn)) {
		asm_error(st, "unknown mnemonic");
		return;
	}
	memcpy(mn, s, len);
	mn[len] = '\0';
	rest = s + len;

	if (!strcmp(mn, "lock")) {
		asm_lock(st, rest);
		return;
	}
	if (!strcmp(mn, "call")) {
		asm_call(st, rest);
		return;
	}

	n = split_operands(rest, ops, 3);

	if (!strcmp(mn, "exit")) {
		struct ebpf_insn *insn;

		if (!want_operands(st, mn, n, 0))
			return;
		insn = emit(st);
		if (!insn)
			return;
		insn->code = EBPF_OP_EXIT;
		if (st->first_exit == UINT32_MAX)
			st->first_exit = st->cnt - 1;
		return;
	}
	if (!strcmp(mn, "ja") || !strcmp(mn, "ja32")) {
		struct ebpf_insn *insn;
		bool wide = mn[2] == '3';

		if (!want_operands(st, mn, n, 1))
			return;
		insn = emit(st);
		if (!insn)
			return;
		insn->code = wide ? EBPF_OP_JA32 : EBPF_OP_JA;
		parse_target(st, ops[0], insn, wide);
		return;
	}
	if (!strcmp(mn, "lddw")) {
		asm_lddw(st, mn, ops, n);
		return;
	}
	if (!strcmp(mn, "raw")) {
		asm_raw(st, mn, ops, n);
		return;
	}
	if (asm_movsx(st, mn, ops, n) || asm_end(st, mn, ops, n) ||
	    asm_ldst(st, mn, ops, n))
		return;

	split_suffix(mn, base, sizeof(base), &is32);
	op = find_op(jmp_ops, sizeof(jmp_ops) / sizeof(jmp_ops[0]), base);
	if (op && strcmp(mn + strlen(base), "64")) {
		asm_jump(st, mn, is32, op->op, ops, n);
		return;
	}
	op = find_op(alu_ops, sizeof(alu_ops) / sizeof(alu_ops[0]), base);
	if (op) {
		asm_alu(st, mn, base, is32, op->op, ops, n);
		return;
	}
	asm_error(st, "unknown mnemonic '%s'", mn);
}

static void asm_line(struct asm_state *st, char *line)
{
	char *s, *colon, *hash;

	hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	s = trim(line);
	snprintf(st->orig, sizeof(st->orig), "%s", s);
	st->text = st->orig;
	if (!*s)
		return;

	/* Labels: "name:" at the start, possibly followed by code. */
	colon = strchr(s, ':');
	if (colon && colon > s && (size_t)(colon - s) == strcspn(s, " \t:")) {
		add_label(st, s, (size_t)(colon - s));
		if (st->failed)
			return;
		s = trim(colon + 1);
		if (!*s)
			return;
	}
	asm_insn(st, s);
}

static void resolve(struct asm_state *st)
{
	uint32_t i;

	for (i = 0; i < st->fixup_cnt && !st->failed; i++) {
		struct fixup *f = &st->fixups[i];
		struct label *l = find_label(st, f->name);
		int64_t rel;
		uint32_t target;

		st->line = f->line;
		st->text = NULL;
		if (l) {
			target = l->pc;
		} else if (!strcmp(f->name, "exit") &&
			   st->first_exit != UINT32_MAX) {
			target = st->first_exit;
		} else {
			asm_error(st, "undefined label '%s'", f->name);
			return;
		}
		if (target >= st->cnt) {
			asm_error(st, "label '%s' is past the last instruction",
				  f->name);
			return;
		}
		rel = (int64_t)target - f->pc - 1;
		if (f->kind == FIX_OFF) {
			if (rel < INT16_MIN || rel > INT16_MAX) {
				asm_error(st, "jump to '%s' too far", f->name);
				return;
			}
			st->insns[f->pc].off = (int16_t)rel;
		} else {
			st->insns[f->pc].imm = (int32_t)rel;
		}
	}
}

int xfo_asm(const char *text, struct ebpf_insn **insns, uint32_t *cnt,
	    char *err, size_t err_size)
{
	struct asm_state st = {
		.first_exit = UINT32_MAX,
		.err = err,
		.err_size = err_size,
	};
	char line[ASM_MAX_LINE];
	const char *p = text, *nl;
	size_t len;

	if (err && err_size)
		err[0] = '\0';
	if (insns)
		*insns = NULL;
	if (cnt)
		*cnt = 0;
	if (!text || !insns || !cnt) {
		if (err && err_size)
			snprintf(err, err_size, "invalid arguments");
		return -EINVAL;
	}

	while (*p && !st.failed) {
		st.line++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		st.text = NULL;
		if (len >= sizeof(line)) {
			asm_error(&st, "line too long");
			break;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (memchr(line, '\0', len)) {
			asm_error(&st, "NUL byte in source");
			break;
		}
		asm_line(&st, line);
		p = nl ? nl + 1 : p + len;
	}
	if (!st.failed)
		resolve(&st);
	if (!st.failed && !st.cnt) {
		st.text = NULL;
		asm_error(&st, "no instructions");
	}

	free(st.labels);
	free(st.fixups);
	if (st.failed) {
		free(st.insns);
		return -EINVAL;
	}
	*insns = st.insns;
	*cnt = st.cnt;
	return 0;
}
