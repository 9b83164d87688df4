#!/usr/bin/env bash
# xfoctl (cli/) and the userspace runner (lib/runner.c): command matching,
# help, exit codes, JSON validity of every output, verify/dump/run on the
# example policies, on tests/cli/src/*.bpf.c and on raw programs assembled
# from tests/cli/progs/*.s, and the --ctx syntax.
#
#   tests/suites/cli.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.." || exit 1

B=${1:?usage: $0 BUILD_DIR}
. tests/cli/lib.sh		# X, J, T
A=$B/tests/cli/asm2raw
P=$B/tests/cli			# multi.bpf.o, refused.bpf.o

# Unit tests first: their lines are the suite's.
for unit in runner_test cmd_test; do
	run_unit "$unit" "$B/tests/cli/$unit"
done

for tool in "$X" "$J" "$A"; do
	if [ ! -x "$tool" ]; then
		fail setup "$tool is not built"
		exit 1
	fi
done

# Raw programs.
for s in tests/cli/progs/*.s; do
	n=$(basename "$s" .s)
	if ! "$A" "$s" "$T/$n.bin" 2>"$T/asm.err"; then
		fail "asm_$n" "$(cat "$T/asm.err")"
	fi
done

# x ARGS...: runs xfoctl; stdout in $T/out, stderr in $T/err, status in rc.
x() {
	"$X" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

EX=$B/bpf
MULTI=$P/multi.bpf.o
REFUSED=$P/refused.bpf.o

# ------------------------------------------------------------------------
# Help, version, usage errors, prefix matching
# ------------------------------------------------------------------------
t help_top 0 '^Usage: xfoctl \[OPTIONS\] OBJECT COMMAND' '' -- help
t help_flag 0 '^Usage: xfoctl' '' -- -h
t help_prefix 0 '^Usage: xfoctl' '' -- he
t help_policy 0 'policy verify FILE' '' -- policy help
t help_policy_ctx 0 'CTX is FIELD=VALUE' '' -- policy help
t help_policy_prefix 0 'policy run +FILE' '' -- pol h
t help_policy_flag 0 'policy dump +FILE' '' -- policy run --help
t help_policy_flag_short 0 'policy dump +FILE' '' -- policy verify x.o -h
tj help_json 0 'help~^Usage: xfoctl' -- help
tj help_policy_json 0 'help~CTX is FIELD=VALUE' -- policy help

t version 0 '^xfoctl v[0-9]' '' -- version
t version_interface 0 '^interface version 1\.1 \(0x00010001\)$' '' -- version
t version_flag 0 '^xfoctl v[0-9]' '' -- -V
t version_long_flag 0 'interface version' '' -- --version
t version_prefix 0 '^xfoctl v[0-9]' '' -- vers
t version_anywhere 0 '^xfoctl v[0-9]' '' -- policy verify nothing.o -V
tj version_json 0 name=xfoctl interface=1.1 interface_version=65537 'version~^[0-9]+\.[0-9]+' -- version
t version_extra_arg 2 '' "takes no arguments" -- version now

t usage_no_args 2 '' 'missing object' --
t usage_missing_command 2 '' "missing command.*|Try 'xfoctl policy help'" -- policy
t usage_unknown_object 2 '' "unknown object 'frob'; expected one of: policy, domain, program, xen, version, help" -- frob
t usage_unknown_command 2 '' "unknown command 'frob'; expected one of: verify, dump, run, help" -- policy frob
t usage_unknown_option 2 '' "unknown option '--bogus'" -- policy verify "$EX/zero_fill.bpf.o" --bogus
t usage_unknown_short 2 '' "unknown option '-q'" -- policy verify "$EX/zero_fill.bpf.o" -q
t usage_option_elsewhere 2 '' "unknown option '--ctx'" -- policy verify "$EX/zero_fill.bpf.o" --ctx addr=1
t usage_ambiguous_option 2 '' "ambiguous option '--p': could be --prog, --pretty" -- policy run "$T/bounce.bin" --raw --p x
t usage_missing_file 2 '' 'policy verify: missing FILE' -- policy verify
t usage_extra_arg 2 '' "unexpected argument 'two'" -- policy dump one two
t usage_needs_value 2 '' "option '--ctx' needs a value" -- policy run "$T/bounce.bin" --raw --ctx
t usage_no_value 2 '' "option '--raw' takes no value" -- policy run "$T/bounce.bin" --raw=yes
t usage_prog_twice 2 '' '--prog given twice' -- policy dump "$MULTI" --prog a --prog b
t usage_repeat_zero 2 '' "--repeat: '0' is not a number in 1\.\." -- policy run "$T/bounce.bin" --raw --repeat 0
t usage_repeat_word 2 '' "--repeat: 'many'" -- policy run "$T/bounce.bin" --raw --repeat many
t usage_repeat_big 2 '' "--repeat: '100000000000'" -- policy run "$T/bounce.bin" --raw -n 100000000000
t usage_errors_on_stderr 2 '' '^Error: ' -- policy frob
if [ -s "$T/out" ]; then fail usage_stdout_empty "usage error wrote to stdout"; else pass usage_stdout_empty; fi

# Prefixes: the same output as the full words.
x policy verify "$EX/zero_fill.bpf.o"
cp "$T/out" "$T/full"
t prefix_verify 0 'zero_fill: accepted' '' -- pol ver "$EX/zero_fill.bpf.o"
if cmp -s "$T/out" "$T/full"; then pass prefix_same_output; else fail prefix_same_output "'pol ver' and 'policy verify' differ"; fi
t prefix_single_letters 0 '^ +0: \(' '' -- po d "$T/bounce.bin" --raw
t prefix_p_ambiguous 2 '' "ambiguous object 'p': could be policy, program" -- p d "$T/bounce.bin" --raw
t prefix_run 0 '^verdict: BOUNCE$' '' -- po ru "$T/bounce.bin" --ra
t prefix_long_options 0 '^verdict: ZERO_FILL$' '' -- policy run "$T/zero_fill.bin" --ra --ct error=write+user --rep 2
t prefix_options_any_order 0 '"text": "BOUNCE"' '' -- -d policy -j run --raw "$T/bounce.bin" -p
t prefix_exact_prog_name 1 '' "no program 'pick' in" -- policy verify "$MULTI" --prog pick

# ------------------------------------------------------------------------
# verify
# ------------------------------------------------------------------------
n=0
for o in "$EX"/*.bpf.o; do
	[ -e "$o" ] || continue
	n=$((n + 1))
	name=$(basename "$o" .bpf.o)
	t "verify_example_$name" 0 ': accepted, [0-9]+ insns' '' -- policy verify "$o"
	tj "verify_example_${name}_json" 0 accepted=true programs.0.accepted=true programs.0.errno=0 'programs.0.insns~^[1-9][0-9]*$' 'programs.0.stats.insns_visited~^[1-9]' -- policy verify "$o"
done
if [ $n -gt 0 ]; then pass verify_examples_built; else fail verify_examples_built "no $EX/*.bpf.o"; fi

t verify_refused_elf 1 '^loops: refused \(EINVAL\)' '' -- policy verify "$REFUSED"
t verify_refused_elf_log 1 '^insn [0-9]+: .*back-edge' '' -- policy verify "$REFUSED" --prog loops
t verify_refused_elf_both 1 '^writes_ctx: refused' '' -- policy verify "$REFUSED"
tj verify_refused_json 1 accepted=false programs.0.name=loops programs.0.accepted=false programs.0.errno=-22 programs.0.reason=EINVAL 'programs.0.log~^insn [0-9]+:' programs.1.name=writes_ctx -- policy verify "$REFUSED"
t verify_multi 0 '^tracer: accepted' '' -- policy verify "$MULTI"
x policy verify "$MULTI"
if [ "$(grep -c ': accepted' "$T/out")" = 3 ]; then pass verify_multi_all; else fail verify_multi_all "expected 3 programs: $(cat "$T/out")"; fi
t verify_prog 0 '^pick_bounce: accepted' '' -- policy verify "$MULTI" --prog pick_bounce
if grep -q pick_zero "$T/out"; then fail verify_prog_only "--prog verified other programs too"; else pass verify_prog_only; fi
t verify_unknown_prog 1 '' "no program 'nope' in '.*multi.bpf.o'; it has: pick_zero, pick_bounce, tracer" -- policy verify "$MULTI" --prog nope
t verify_raw_good 0 ': accepted, 7 insns' '' -- policy verify "$T/zero_fill.bin" --raw
t verify_raw_bad 1 ': refused \(EINVAL\), 2 insns' '' -- policy verify "$T/bad_uninit.bin" --raw
t verify_raw_bad_log 1 '^insn 0: ' '' -- policy verify "$T/bad_uninit.bin" --raw
t verify_raw_stack 1 'refused' '' -- policy verify "$T/bad_stack_overflow.bin" --raw
t verify_raw_loop 1 'refused' '' -- policy verify "$T/endless.bin" --raw
tj verify_raw_bad_json 1 accepted=false programs.0.accepted=false programs.0.insns=2 'programs.0.log~^insn 0: ' programs.0.log_truncated=false -- policy verify "$T/bad_uninit.bin" --raw

x policy verify "$T/fault_around.bin" --raw
quiet=$(wc -l <"$T/out")
t verify_verbose 0 'accepted' '' -- policy verify "$T/fault_around.bin" --raw -v
verbose=$(wc -l <"$T/out")
if [ "$verbose" -gt "$quiet" ]; then pass verify_verbose_longer; else fail verify_verbose_longer "-v printed $verbose lines, without $quiet"; fi
tj verify_verbose_json 0 'programs.0.log~.' 'programs.0.stats.helpers=[array 0]' -- policy verify "$T/fault_around.bin" --raw --verbose
tj verify_stats_helpers 0 programs.2.name=tracer programs.2.stats.helpers.0=map_write programs.2.stats.helpers.1=trace -- policy verify "$MULTI"

t verify_missing_file 1 '' "nonexistent\.bpf\.o.*(No such file|cannot)" -- policy verify "$T/nonexistent.bpf.o"
tj verify_missing_file_json 1 'error~nonexistent' -- policy verify "$T/nonexistent.bpf.o"
t verify_missing_raw 1 '' 'nonexistent' -- policy verify "$T/nonexistent.bin" --raw
printf 'hello' >"$T/five.bin"
t verify_raw_not_whole 1 '' 'five\.bin' -- policy verify "$T/five.bin" --raw
: >"$T/empty.bin"
t verify_raw_empty 1 '' 'empty\.bin' -- policy verify "$T/empty.bin" --raw
t verify_not_elf 1 '' 'zero_fill\.bin' -- policy verify "$T/zero_fill.bin"
t verify_directory 1 '' '' -- policy verify "$T"
t verify_elf_no_progs 1 '' '' -- policy verify "$B/tests/cli/json_check.o"

# ------------------------------------------------------------------------
# dump
# ------------------------------------------------------------------------
t dump_format 0 '^   0: \(61\) r2 = \*\(u32 \*\)\(r1 \+16\)$' '' -- policy dump "$T/zero_fill.bin" --raw
t dump_exit 0 '^   3: \(95\) exit$' '' -- policy dump "$T/fault_around.bin" --raw
t dump_header 0 '^prog .* 7 insns\):$' '' -- policy dump "$T/zero_fill.bin" --raw
t dump_lddw 0 '^   2: \(95\) exit$' '' -- policy dump "$T/invalid_verdict.bin" --raw
t dump_lddw_text 0 '^   0: \(18\) r0 = 0x10001' '' -- policy dump "$T/invalid_verdict.bin" --raw
t dump_call_name 0 '\(85\) call trace#5$' '' -- policy dump "$T/helper_trace.bin" --raw
t dump_maps 0 '^   0: per_vcpu: array, key 4, value 8, 4 entries$' '' -- policy dump "$MULTI"
t dump_maps_second 0 '^   1: pairs: array, key 4, value 16, 2 entries$' '' -- policy dump "$MULTI"
x policy dump "$MULTI"
if [ "$(grep -c '^prog ' "$T/out")" = 3 ]; then pass dump_all_progs; else fail dump_all_progs "expected 3 programs"; fi
t dump_prog 0 '^prog tracer \(section xfo/trace, [0-9]+ insns\):$' '' -- policy dump "$MULTI" --prog tracer
tj dump_json 0 programs.0.insn_cnt=7 programs.0.insns.0.pc=0 programs.0.insns.0.code=97 'programs.0.insns.0.text=r2 = *(u32 *)(r1 +16)' programs.0.insns.0.raw=6112100000000000 'maps=[array 0]' -- policy dump "$T/zero_fill.bin" --raw
tj dump_json_lddw 0 programs.0.insns.0.code=24 programs.0.insns.0.raw=18000000010001000000000000000000 programs.0.insns.1.pc=2 -- policy dump "$T/invalid_verdict.bin" --raw
tj dump_json_maps 0 'programs=[array 3]' programs.2.name=tracer programs.2.section=xfo/trace maps.1.name=pairs maps.1.value_size=16 maps.1.max_entries=2 maps.0.type=array -- policy dump "$MULTI"
for o in "$EX"/*.bpf.o; do
	[ -e "$o" ] || continue
	name=$(basename "$o" .bpf.o)
	tj "dump_example_${name}_json" 0 'programs.0.insns.0.pc=0' -- policy dump "$o"
done
t dump_missing_file 1 '' 'nonexistent' -- policy dump "$T/nonexistent.bpf.o"
# Garbage and a cut-short LDDW: disassembled, refused, stopped at run time.
printf '\xff\xff\xff\xff\xff\xff\xff\xff\x95\0\0\0\0\0\0\0' >"$T/garbage.bin"
printf '\x18\x00\x00\x00\x01\x00\x00\x00' >"$T/short_lddw.bin"
t dump_garbage 0 '^   0: \(ff\) invalid opcode' '' -- policy dump "$T/garbage.bin" --raw
tj dump_garbage_json 0 programs.0.insns.0.code=255 programs.0.insns.1.pc=1 -- policy dump "$T/garbage.bin" --raw
t dump_short_lddw 0 '^   0: \(18\) ' '' -- policy dump "$T/short_lddw.bin" --raw
tj dump_short_lddw_json 0 'programs.0.insns=[array 1]' programs.0.insns.0.raw=1800000001000000 -- policy dump "$T/short_lddw.bin" --raw
t verify_garbage 1 'refused' '' -- policy verify "$T/garbage.bin" --raw
t verify_short_lddw 1 'refused' '' -- policy verify "$T/short_lddw.bin" --raw
t run_garbage 1 '^verdict: BOUNCE \(program error\)$' 'invalid instruction \(EINVAL\)' -- policy run "$T/garbage.bin" --raw --unverified
t run_short_lddw 1 '^verdict: BOUNCE \(program error\)$' 'stopped at insn 0' -- policy run "$T/short_lddw.bin" --raw --unverified

# ------------------------------------------------------------------------
# run: verdicts
# ------------------------------------------------------------------------
t run_bounce 0 '^verdict: BOUNCE$' '' -- policy run "$T/bounce.bin" --raw
t run_bounce_r0 0 '^r0: 0x0000000000000000$' '' -- policy run "$T/bounce.bin" --raw -c addr=1 -n 2
t run_insns 0 '^insns: 2$' '' -- policy run "$T/bounce.bin" --raw
t run_zero_fill 0 '^verdict: ZERO_FILL$' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user'
t run_zero_fill_r0 0 '^r0: 0x0000000000000001$' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user'
t run_zero_fill_read 0 '^verdict: BOUNCE$' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=read|user'
t run_zero_fill_present 0 '^verdict: BOUNCE$' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=present+write+user'
t run_fault_around 0 '^verdict: FAULT_AROUND\(8\)$' '' -- policy run "$T/fault_around.bin" --raw --ctx region=1,pool=128
t run_fault_around_r0 0 '^r0: 0x0000000000000802$' '' -- policy run "$T/fault_around.bin" --raw --ctx region=1,pool=128
t run_fault_around_max 0 '^verdict: FAULT_AROUND\(16\)$' '' -- policy run "$T/fault_around.bin" --raw --ctx region=1
t run_fault_around_zero 0 '^verdict: FAULT_AROUND\(0\)$' '' -- policy run "$T/fault_around.bin" --raw --ctx region=1,pool=0
t run_fault_around_denied 0 '^verdict: BOUNCE$' '' -- policy run "$T/fault_around.bin" --raw --ctx region=1:0x1000-0x2000:rw:zero_fill
t run_invalid_verdict 1 '^verdict: INVALID \(bits 16-63 set' '' -- policy run "$T/invalid_verdict.bin" --raw
t run_invalid_verdict_r0 1 '^r0: 0x0000000000010001$' '' -- policy run "$T/invalid_verdict.bin" --raw
t run_reserved_class 1 '^verdict: INVALID \(reserved class 7' '' -- policy run "$T/reserved_class.bin" --raw
t run_note_outside 0 '^note: the fault is outside every region' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user'
t run_note_denied 0 '^note: region 4 does not allow ZERO_FILL: Xen bounces the fault \(CLASS_DENIED\)$' '' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user,region=4:0x0-0x1000:rw:fault_around'
t run_note_big_n 0 '^note: n = 17 is above XFO_FAULT_AROUND_MAX \(16\)$' '' -- policy run "$T/fault_around_big.bin" --raw --ctx 'error=user,region=1'
# The rest of xfo_verdict_applies(), in words (tests/verdict/ has the rule).
t run_note_prot_denied 0 '^note: region 4 does not allow writes: Xen bounces the fault \(PROT_DENIED\)$' '' -- policy run "$T/fault_around_big.bin" --raw --ctx 'error=write|user,region=4:0x0-0x1000:r'
t run_note_present 0 '^note: a protection fault .*: Xen bounces the fault \(PRESENT\)$' '' -- policy run "$T/fault_around_big.bin" --raw --ctx 'error=present|user,region=4'
t run_note_kernel_mode 0 '^note: a fault of the guest kernel.s: Xen bounces the fault \(KERNEL_MODE\)$' '' -- policy run "$T/fault_around_big.bin" --raw --ctx 'error=write,region=4'
tj run_json_bounce 0 verdict.bounce=prot_denied -- policy run "$T/fault_around_big.bin" --raw --ctx 'error=insn|user,region=4:0x0-0x1000:rw'
tj run_json_bounce_verdict 0 verdict.bounce=verdict -- policy run "$T/bounce.bin" --raw
tj run_json_bounce_none 0 verdict.bounce=null -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user,region=4'
tj run_note_json 0 'verdict.note~CLASS_DENIED' -- policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user,region=4:0x0-0x1000:rw:bounce'
x policy run "$T/zero_fill.bin" --raw --ctx 'error=write|user,region=4'
if grep -q '^note:' "$T/out"; then fail run_no_note "a note for an allowed verdict: $(cat "$T/out")"; else pass run_no_note; fi
tj run_json_fault_around 0 verdict.valid=true verdict.class=FAULT_AROUND verdict.arg=8 verdict.r0=0x0000000000000802 verdict.text='FAULT_AROUND(8)' verified=true checked=false runs=1 insns=10 verdicts.FAULT_AROUND=1 verdicts.BOUNCE=0 -- policy run "$T/fault_around.bin" --raw --ctx region=1,pool=128
tj run_json_invalid 1 verdict.valid=false 'verdict.text~^INVALID' verdicts.INVALID=1 -- policy run "$T/invalid_verdict.bin" --raw
tj run_json_ctx 0 ctx.addr=4660 ctx.error_code=6 ctx.error_flags='write|user' ctx.mode=user ctx.region_id=null ctx.pool_size=256 -- policy run "$T/bounce.bin" --raw --ctx 'addr=0x1234,error=write|user'
tj run_checked_flag 0 checked=true verified=true -- policy run "$T/bounce.bin" --raw --checked

# The example policies, with the faults they are written for.
OFFLOAD='addr=0x7f0000001234,error=write|user,region=3:0x7f0000000000+0x100000'
[ -e "$EX/bounce_all.bpf.o" ] && t run_example_bounce_all 0 '^verdict: BOUNCE$' '' -- policy run "$EX/bounce_all.bpf.o" --ctx "$OFFLOAD"
[ -e "$EX/zero_fill.bpf.o" ] && t run_example_zero_fill 0 '^verdict: ZERO_FILL$' '' -- policy run "$EX/zero_fill.bpf.o" --ctx "$OFFLOAD"
[ -e "$EX/zero_fill.bpf.o" ] && t run_example_zero_fill_kernel 0 '^verdict: BOUNCE$' '' -- policy run "$EX/zero_fill.bpf.o" --ctx "$OFFLOAD,mode=kernel"
[ -e "$EX/fault_around.bpf.o" ] && t run_example_fault_around 0 '^verdict: FAULT_AROUND\([0-9]+\)$' '' -- policy run "$EX/fault_around.bpf.o" --ctx "$OFFLOAD"
for o in "$EX"/*.bpf.o; do
	[ -e "$o" ] || continue
	name=$(basename "$o" .bpf.o)
	tj "run_example_${name}_json" 0 verified=true verdict.valid=true -- policy run "$o" --ctx "$OFFLOAD" --repeat 3
done

# ------------------------------------------------------------------------
# run: verification, checked mode, runtime errors
# ------------------------------------------------------------------------
t run_refused 1 '' "the verifier refused .* --unverified" -- policy run "$T/bad_uninit.bin" --raw
t run_refused_log 1 '' '^insn 0: ' -- policy run "$T/bad_uninit.bin" --raw
tj run_unverified_json 0 verified=false checked=true 'log~^insn 0' -- policy run "$T/bad_uninit.bin" --raw --unverified
tj run_refused_json 1 verified=false 'error~refused' 'log~^insn 0' -- policy run "$T/bad_uninit.bin" --raw
t run_unverified 0 '^program: .*refused by the verifier, checked mode' 'warning: the verifier refused' -- policy run "$T/bad_uninit.bin" --raw --unverified
t run_unverified_fault 1 '^verdict: BOUNCE \(program error\)$' 'stopped at insn 0: .*\(EFAULT\)' -- policy run "$T/bad_stack_overflow.bin" --raw --unverified
tj run_unverified_fault_json 1 verified=false checked=true run_error.name=EFAULT run_error.pc=0 'error~EFAULT' verdict.valid=false -- policy run "$T/bad_stack_overflow.bin" --raw --unverified
t run_unverified_endless 1 '' 'instruction limit reached \(E2BIG\)' -- policy run "$T/endless.bin" --raw --unverified
t run_unverified_ctx_write 1 '' 'stopped at insn [0-9]+: .*EFAULT' -- policy run "$REFUSED" --prog writes_ctx --unverified
t run_unverified_loop 0 '^map seen\[2\]: 1$' '' -- policy run "$REFUSED" --prog loops --ctx vcpu=3 --unverified
t run_needs_prog 2 '' "has 3 programs, pick one with --prog: pick_zero, pick_bounce, tracer" -- policy run "$MULTI"
t run_unknown_prog 1 '' "no program 'nope'" -- policy run "$MULTI" --prog nope
t run_missing_file 1 '' 'nonexistent' -- policy run "$T/nonexistent.bpf.o"

# ------------------------------------------------------------------------
# run: trace records, maps, --repeat
# ------------------------------------------------------------------------
t run_trace 0 '^trace 0 \(5 bytes\): 68 65 6c 6c 6f  \|hello\|$' '' -- policy run "$T/helper_trace.bin" --raw --ctx addr=0x1122
t run_trace_second 0 '^trace 1 \(8 bytes\): 22 11 00 00 00 00 00 00  \|"\.{7}\|$' '' -- policy run "$T/helper_trace.bin" --raw --ctx addr=0x1122
tj run_trace_json 0 'trace=[array 2]' trace.0.len=5 trace.0.data=68656c6c6f trace.1.data=2211000000000000 -- policy run "$T/helper_trace.bin" --raw --ctx addr=0x1122
t run_trace_repeat 0 '^trace 5 ' '' -- policy run "$T/helper_trace.bin" --raw -n 3
t run_elf_trace 0 '^trace 0 \(8 bytes\): 66 61 75 6c 74 21 00 00  \|fault!\.\.\|$' '' -- policy run "$MULTI" --prog tracer --ctx addr=0x1234
t run_elf_map16 0 '^map pairs\[1\]: 4660 4702394921427289928$' '' -- policy run "$MULTI" --prog tracer --ctx addr=0x1234
t run_repeat 0 '^map per_vcpu\[2\]: 7$' '' -- policy run "$MULTI" --prog pick_zero --ctx vcpu=2 --repeat 7
t run_repeat_summary 0 '^runs: 7, [0-9]+ ns each; verdicts: ZERO_FILL 7$' '' -- policy run "$MULTI" --prog pick_zero --ctx vcpu=2 --repeat 7
tj run_repeat_json 0 runs=7 verdicts.ZERO_FILL=7 'maps=[array 1]' maps.0.map=per_vcpu maps.0.key=2 maps.0.u64.0=7 maps.0.value=0700000000000000 -- policy run "$MULTI" --prog pick_zero --ctx vcpu=2 --repeat 7
tj run_no_maps_json 0 'maps=[array 0]' 'trace=[array 0]' -- policy run "$MULTI" --prog pick_bounce

# ------------------------------------------------------------------------
# --ctx: every field reaches the program at its offset
# ------------------------------------------------------------------------
# ctxf NAME LOAD OFFSET EXPECTED_R0 CTX...
ctxf() {
	local name=$1 load=$2 off=$3 want=$4
	shift 4
	printf 'ldx%s %%r0, [%%r1+%s]\nexit\n' "$load" "$off" >"$T/f.s"
	if ! "$A" "$T/f.s" "$T/f.bin" 2>"$T/asm.err"; then
		fail "$name" "assembler: $(cat "$T/asm.err")"
		return
	fi
	local args=()
	for c in "$@"; do args+=(--ctx "$c"); done
	# Reading a field gives no valid verdict: status 0 or 1.
	x -j policy run "$T/f.bin" --raw "${args[@]}"
	if crashed || [ $rc -gt 1 ]; then
		fail "$name" "status $rc: $(head -c 300 "$T/out")"
		return
	fi
	local got
	got=$("$J" verdict.r0 <"$T/out" 2>&1)
	if [ "$got" = "$(printf '0x%016x' "$want")" ]; then
		pass "$name"
	else
		fail "$name" "r0 $got, expected $(printf '0x%016x' "$want"): $(head -c 300 "$T/out")"
	fi
}

ctxf ctx_addr dw 0 0x123456789abcdef0 addr=0x123456789abcdef0
ctxf ctx_addr_max dw 0 0xffffffffffffffff addr=18446744073709551615
ctxf ctx_addr_octal dw 0 8 addr=010
ctxf ctx_ip dw 8 0xffffffff81000000 ip=0xffffffff81000000
ctxf ctx_error_names w 16 0x3f 'error=present|write|user|rsvd|insn|pk'
ctxf ctx_error_number w 16 0x12 error=0x12
ctxf ctx_error_mixed w 16 0x12 'error=write+0x10'
ctxf ctx_error_default w 16 0 addr=1
ctxf ctx_vcpu w 20 0xffffffff vcpu=4294967295
ctxf ctx_domid h 24 0xffff domid=65535
ctxf ctx_mode_user b 26 1 mode=user
ctxf ctx_mode_kernel b 26 0 mode=kernel,error=user
ctxf ctx_mode_number b 26 1 mode=1
ctxf ctx_mode_from_error b 26 1 error=user
ctxf ctx_mode_default b 26 0 error=write
ctxf ctx_region_none w 28 0xffffffff addr=1
ctxf ctx_region_none_word w 28 0xffffffff region=none
ctxf ctx_region_id w 28 7 region=7:0x1000-0x3000
ctxf ctx_region_start dw 32 0x1000 region=7:0x1000-0x3000
ctxf ctx_region_end dw 40 0x3000 region=7:0x1000-0x3000
ctxf ctx_region_size dw 40 0x3000 region=7:0x1000+0x2000
ctxf ctx_region_default_start dw 32 0x5000 addr=0x5678,region=1
ctxf ctx_region_default_end dw 40 0x6000 region=1 addr=0x5678
ctxf ctx_region_none_range dw 32 0 addr=0x5678
ctxf ctx_prot_letters w 48 5 region=7:0x1000-0x3000:r-x
ctxf ctx_prot_names w 48 5 'region=7:0x1000-0x3000:read|exec'
ctxf ctx_prot_number w 48 2 region=7:0x1000-0x3000:2
ctxf ctx_prot_default w 48 3 region=7:0x1000-0x3000
ctxf ctx_classes_names w 52 6 'region=7:0x1000-0x3000:rw:zero_fill|fault_around'
ctxf ctx_classes_hyphen w 52 2 region=7:0x1000-0x3000:rw:zero-fill
ctxf ctx_classes_number w 52 4 region=7:0x1000-0x3000:rw:0x4
ctxf ctx_classes_all w 52 7 region=7:0x1000-0x3000:rw:all
ctxf ctx_classes_default w 52 7 region=7:0x1000-0x3000:rw
ctxf ctx_classes_region_none w 52 0 region=none
ctxf ctx_pool_level w 56 32 pool=32
ctxf ctx_pool_default_level w 56 256 addr=1
ctxf ctx_pool_size w 60 64 pool=3/64
ctxf ctx_pool_default_size w 60 256 pool=3
ctxf ctx_aliases dw 0 0x77 cr2=0x77,dom=1,error_code=2
ctxf ctx_several_options w 20 9 addr=1 vcpu=9

# ------------------------------------------------------------------------
# --ctx: malformed contexts are usage errors that say what is wrong
# ------------------------------------------------------------------------
# ctxbad NAME ERE CTX...
ctxbad() {
	local name=$1 ere=$2
	shift 2
	local args=()
	for c in "$@"; do args+=(--ctx "$c"); done
	t "$name" 2 '' "$ere" -- policy run "$T/bounce.bin" --raw "${args[@]}"
	tj "${name}_json" 2 "error~$ere" -- policy run "$T/bounce.bin" --raw "${args[@]}"
}

ctxbad ctx_bad_unknown_field "unknown field 'adr' \(fields: addr, ip" adr=1
ctxbad ctx_bad_no_equals "'addr' is not FIELD=VALUE" addr
ctxbad ctx_bad_number "addr: '12z' is not a number" addr=12z
ctxbad ctx_bad_empty_value "addr: '' is not a number" addr=
ctxbad ctx_bad_negative "vcpu: '-1' is not a number" vcpu=-1
ctxbad ctx_bad_space "vcpu: ' 1' is not a number" 'vcpu= 1'
ctxbad ctx_bad_addr_range "addr: '0x10000000000000000' is out of range" addr=0x10000000000000000
ctxbad ctx_bad_domid_range "domid: '65536' is out of range \(0\.\.65535\)" domid=65536
ctxbad ctx_bad_vcpu_range "vcpu: '4294967296' is out of range" vcpu=4294967296
ctxbad ctx_bad_mode "mode: 'guest' is not user or kernel" mode=guest
ctxbad ctx_bad_flag "error: unknown flag 'usr' \(known: present write user" 'error=write|usr'
ctxbad ctx_bad_empty_flag "error: empty flag in 'write\|\|user'" 'error=write||user'
ctxbad ctx_bad_flag_range "error: '0x100000000' is out of range" error=0x100000000
ctxbad ctx_bad_region_id "region ID: 'x' is not a number" region=x
ctxbad ctx_bad_region_none_id "region ID: '4294967295' is out of range" region=4294967295
ctxbad ctx_bad_region_range "region: range '0x2000' is not START-END or START\+SIZE" region=1:0x2000
ctxbad ctx_bad_region_end "region END: 'y' is not a number" region=1:0x1000-y
ctxbad ctx_bad_region_wrap "passes 2\^64" region=1:0xfffffffffffff000+0x2000
ctxbad ctx_bad_region_aligned "not page aligned" region=1:0x1001-0x2000
ctxbad ctx_bad_region_order "START 0x2000 is not below END 0x1000" region=1:0x2000-0x1000
ctxbad ctx_bad_region_empty_part "region: '1::rw' has an empty part" region=1::rw
ctxbad ctx_bad_region_parts "too many ':' parts" region=1:0x1000-0x2000:rw:all:more
ctxbad ctx_bad_region_prot "region PROT: unknown flag 'rwz'" region=1:0x1000-0x2000:rwz
ctxbad ctx_bad_region_class "region CLASSES: unknown flag 'zero' \(known: bounce zero_fill fault_around all" region=1:0x1000-0x2000:rw:zero
ctxbad ctx_bad_region_top_page "ends past 2\^64" addr=0xfffffffffffff123,region=1
ctxbad ctx_bad_pool_over "level 300 exceeds the pool size 256" pool=300
ctxbad ctx_bad_pool_size "level 9 exceeds the pool size 8" pool=9/8
ctxbad ctx_bad_pool_word "pool SIZE: 'x' is not a number" pool=1/x
ctxbad ctx_bad_duplicate "field 'addr' given twice" addr=1,addr=2
ctxbad ctx_bad_duplicate_options "field 'vcpu' given twice" vcpu=1 vcpu=2
ctxbad ctx_bad_duplicate_alias "field 'addr' given twice" addr=1,cr2=2
ctxbad ctx_bad_empty_item "empty field in 'addr=1,,ip=2'" addr=1,,ip=2
ctxbad ctx_bad_trailing_comma "empty field in 'addr=1,'" addr=1,
ctxbad ctx_bad_empty "empty context" ''
t ctx_help_documented 0 'pool=LEVEL\[/SIZE\]' '' -- policy help

# ------------------------------------------------------------------------
# JSON: every output is one valid JSON value, errors included
# ------------------------------------------------------------------------
tj json_error_unknown_object 2 "error~unknown object 'frob'" -- frob
tj json_error_no_args 2 'error~missing object' --
tj json_error_missing_command 2 'error~missing command' -- policy
tj json_error_ambiguous 2 "error~ambiguous option '--p'" -- policy run "$T/bounce.bin" --raw --p x
tj json_error_usage 2 'error~missing FILE' -- policy verify
tj json_error_needs_prog 2 'error~pick one with --prog' -- policy run "$MULTI"
tj json_error_bad_file 1 'error~nonexistent' -- policy dump "$T/nonexistent.o"
# Strange bytes in what is echoed: quotes, backslashes, controls, non-UTF-8.
weird=$T/$'we"ird\\name\x01\t\x7f\xff\xc3\xa9'.o
tj json_escape_file_name 1 'error~we"ird\\name' 'error~é' -- policy verify "$weird"
tj json_escape_bad_ctx 2 'error~unknown field .a"b\\c' -- policy run "$T/bounce.bin" --raw --ctx $'a"b\\c\x02=1'
x -j policy verify "$weird"
if grep -qP '[\x00-\x1f]' <(tr -d '\n' <"$T/out"); then fail json_no_raw_controls "control bytes in JSON output"; else pass json_no_raw_controls; fi
x -j policy verify "$weird"
if [ "$(wc -l <"$T/out")" = 1 ]; then pass json_one_line; else fail json_one_line "-j output is not one line"; fi
x -p policy dump "$MULTI"
if [ "$(wc -l <"$T/out")" -gt 10 ] && grep -q '^    "programs": \[$' "$T/out"; then pass json_pretty_indented; else fail json_pretty_indented "$(head -c 200 "$T/out")"; fi
t json_option_late 0 '^\{"file":' '' -- policy verify "$EX/zero_fill.bpf.o" --json
t json_option_abbrev 0 '^\{"file":' '' -- policy verify "$EX/zero_fill.bpf.o" --js
t json_pretty_implies_json 0 '^\{$' '' -- policy verify "$EX/zero_fill.bpf.o" -p
t json_debug_stderr 0 '^\{"file":' '^debug: ' -- -d -j policy verify "$EX/zero_fill.bpf.o"

# The JSON checker itself refuses what is not JSON.
jbad() {
	if printf '%b' "$2" | "$J" >/dev/null 2>&1; then
		fail "$1" "json_check accepted '$2'"
	else
		pass "$1"
	fi
}
jbad json_check_rejects_trailing '{"a":1} x'
jbad json_check_rejects_two_values '{}{}'
jbad json_check_rejects_trailing_comma '{"a":1,}'
jbad json_check_rejects_raw_newline '"a\nb"'
jbad json_check_rejects_bad_utf8 '"\xff"'
jbad json_check_rejects_bad_escape '"\\x"'
jbad json_check_rejects_leading_zero '01'
jbad json_check_rejects_empty ''
jbad json_check_rejects_single_quotes "{'a':1}"
jbad json_check_rejects_lone_surrogate '"\\ud800"'
if printf '{"a":[1,-2.5e3,"x\\u00e9\\ud83d\\ude00",true,null]}' | "$J" a.2 >/dev/null; then pass json_check_accepts_valid; else fail json_check_accepts_valid "rejected valid JSON"; fi
exit 0
