#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Cross-checks tests/common/asm.c against LLVM's BPF assembler.

  asm_crosscheck.py ASM2RAW LLVM_MC CONFORMANCE_DIR

Every conformance program written in asm (`-- asm`) is assembled twice:
by the project's assembler (ASM2RAW, the same xfo_asm() the conformance
runner uses) and, after a translation of its uBPF syntax into LLVM's, by
`LLVM_MC -triple bpfel -mcpu=v3 -filetype=obj`. The two .text images are
compared instruction by instruction.

One case per instruction form the suite uses, the behaviour being "the
assembler encodes this form right": its uBPF mnemonic (a 64 suffix
dropped) and the kinds of its operands, e.g. "asm-crosscheck:add %rD,
%rS" or "asm-crosscheck:lock fetch xor32"; the PASS line gives the opcode
byte the independent encoder gave.
  PASS  every instruction of that form in the suite came out the same;
  FAIL  one did not: the program, its line and both encodings;
  SKIP  llvm-mc cannot assemble the form (the reason is given) and no
        hand-encoded sample covers it.
llvm-mc 14 lacks cpu v4 (sdiv, smod, movsx, ldxs*, bswap, ja32), callx,
stores of an immediate, jset, mod and the fetching atomics in its asm
parser. For those the check is one sample each (HAND below), its bytes
encoded by hand from RFC 9669 rather than by llvm-mc: the PASS says so.
A line llvm-mc cannot take becomes a placeholder of the same size, so
the offsets of the jumps around it stay right.
"""
import os
import re
import subprocess
import sys
import tempfile

ALU = {'add': '+=', 'sub': '-=', 'mul': '*=', 'div': '/=', 'or': '|=',
       'and': '&=', 'lsh': '<<=', 'rsh': '>>=', 'xor': '^=', 'mov': '=',
       'arsh': 's>>='}
JMP = {'jeq': '==', 'jne': '!=', 'jgt': '>', 'jge': '>=', 'jlt': '<',
       'jle': '<=', 'jsgt': 's>', 'jsge': 's>=', 'jslt': 's<',
       'jsle': 's<='}
SIZE = {'b': 'u8', 'h': 'u16', 'w': 'u32', 'dw': 'u64'}
LOCK = {'add': '+=', 'or': '|=', 'and': '&=', 'xor': '^='}
PLACEHOLDER = 'r0 = r0'

# For the forms llvm-mc 14 cannot assemble: one sample each, its bytes
# written by hand from RFC 9669 (code; dst | src << 4; off, imm little-
# endian). callx has its register in dst, as LLVM 17+ and Linux do.
HAND = [
    ('ja32 +2', '06 00 00 00 02 00 00 00'),
    ('sdiv32 %r1, 3', '34 01 01 00 03 00 00 00'),
    ('sdiv %r1, 3', '37 01 01 00 03 00 00 00'),
    ('sdiv32 %r1, %r2', '3c 21 01 00 00 00 00 00'),
    ('sdiv %r1, %r2', '3f 21 01 00 00 00 00 00'),
    ('mod32 %r1, 3', '94 01 00 00 03 00 00 00'),
    ('mod %r1, 3', '97 01 00 00 03 00 00 00'),
    ('mod32 %r1, %r2', '9c 21 00 00 00 00 00 00'),
    ('mod %r1, %r2', '9f 21 00 00 00 00 00 00'),
    ('smod32 %r1, 3', '94 01 01 00 03 00 00 00'),
    ('smod %r1, 3', '97 01 01 00 03 00 00 00'),
    ('smod32 %r1, %r2', '9c 21 01 00 00 00 00 00'),
    ('smod %r1, %r2', '9f 21 01 00 00 00 00 00'),
    ('jset %r1, 5, +1', '45 01 01 00 05 00 00 00'),
    ('jset32 %r1, 5, +1', '46 01 01 00 05 00 00 00'),
    ('jset %r1, %r2, +1', '4d 21 01 00 00 00 00 00'),
    ('jset32 %r1, %r2, +1', '4e 21 01 00 00 00 00 00'),
    ('stw [%r10-8], 5', '62 0a f8 ff 05 00 00 00'),
    ('sth [%r10-8], 5', '6a 0a f8 ff 05 00 00 00'),
    ('stb [%r10-8], 5', '72 0a f8 ff 05 00 00 00'),
    ('stdw [%r10-8], 5', '7a 0a f8 ff 05 00 00 00'),
    ('ldxsw %r0, [%r1+2]', '81 10 02 00 00 00 00 00'),
    ('ldxsh %r0, [%r1+2]', '89 10 02 00 00 00 00 00'),
    ('ldxsb %r0, [%r1+2]', '91 10 02 00 00 00 00 00'),
    ('call %r2', '8d 02 00 00 00 00 00 00'),
    ('movsx832 %r1, %r2', 'bc 21 08 00 00 00 00 00'),
    ('movsx1632 %r1, %r2', 'bc 21 10 00 00 00 00 00'),
    ('movsx864 %r1, %r2', 'bf 21 08 00 00 00 00 00'),
    ('movsx1664 %r1, %r2', 'bf 21 10 00 00 00 00 00'),
    ('movsx3264 %r1, %r2', 'bf 21 20 00 00 00 00 00'),
    ('lock fetch add32 [%r10-8], %r1', 'c3 1a f8 ff 01 00 00 00'),
    ('lock fetch or32 [%r10-8], %r1', 'c3 1a f8 ff 41 00 00 00'),
    ('lock fetch and32 [%r10-8], %r1', 'c3 1a f8 ff 51 00 00 00'),
    ('lock fetch xor32 [%r10-8], %r1', 'c3 1a f8 ff a1 00 00 00'),
    ('lock xchg32 [%r10-8], %r1', 'c3 1a f8 ff e1 00 00 00'),
    ('lock cmpxchg32 [%r10-8], %r1', 'c3 1a f8 ff f1 00 00 00'),
    ('lock fetch add [%r10-8], %r1', 'db 1a f8 ff 01 00 00 00'),
    ('lock fetch or [%r10-8], %r1', 'db 1a f8 ff 41 00 00 00'),
    ('lock fetch and [%r10-8], %r1', 'db 1a f8 ff 51 00 00 00'),
    ('lock fetch xor [%r10-8], %r1', 'db 1a f8 ff a1 00 00 00'),
    ('lock xchg [%r10-8], %r1', 'db 1a f8 ff e1 00 00 00'),
    ('lock cmpxchg [%r10-8], %r1', 'db 1a f8 ff f1 00 00 00'),
    ('bswap16 %r0', 'd7 00 00 00 10 00 00 00'),
    ('bswap32 %r0', 'd7 00 00 00 20 00 00 00'),
    ('bswap64 %r0', 'd7 00 00 00 40 00 00 00'),
    ('swap16 %r0', 'd7 00 00 00 10 00 00 00'),
    ('swap32 %r0', 'd7 00 00 00 20 00 00 00'),
    ('swap64 %r0', 'd7 00 00 00 40 00 00 00'),
]
V4 = 'llvm-mc 14 has no cpu v4 (LLVM 17+)'


class Unsupported(Exception):
    """A form llvm-mc 14 cannot assemble: the reason."""


class Untranslatable(Exception):
    """A line this translator does not know: the suite's own defect."""


def reg(s, w32=False):
    m = re.fullmatch(r'%?r(\d+)', s.strip())
    if not m or int(m.group(1)) > 10:
        raise Untranslatable(f"not a register: '{s}'")
    return ('w' if w32 else 'r') + m.group(1)


def is_reg(s):
    return re.fullmatch(r'%?r\d+', s.strip()) is not None


def num(s):
    return int(s.strip(), 0)


def mem(s):
    m = re.fullmatch(r'\[\s*(%?r\d+)\s*(?:([+-])\s*(\w+))?\s*\]', s.strip())
    if not m:
        raise Untranslatable(f"not a memory operand: '{s}'")
    off = num(m.group(3)) if m.group(3) else 0
    if m.group(2) == '-':
        off = -off
    return f"({reg(m.group(1))} {'-' if off < 0 else '+'} {abs(off)})"


def width(mn):
    """'add32' -> ('add', True); 'add64', 'add' -> ('add', False)."""
    if mn.endswith('32'):
        return mn[:-2], True
    if mn.endswith('64'):
        return mn[:-2], False
    return mn, False


def target(s, labels):
    s = s.strip()
    if re.fullmatch(r'[+-]?\d+', s):
        n = int(s)
        return f"{'+' if n >= 0 else '-'}{abs(n)}"
    if s in labels:
        return 'L_' + s
    if s == 'exit':
        return 'L_xfo_first_exit'
    raise Untranslatable(f"undefined label '{s}'")


def operands(rest):
    return [o.strip() for o in re.split(r',(?![^\[]*\])', rest)
            if o.strip()] if rest.strip() else []


def translate(mn, rest, labels):
    """One uBPF instruction -> (LLVM text, slots)."""
    ops = operands(rest)
    if mn == 'exit':
        return 'exit', 1
    if mn == 'lddw':
        if ops[1].startswith('map:'):
            raise Untranslatable('lddw of a map')
        return f'{reg(ops[0])} = {num(ops[1])} ll', 2
    if mn == 'ja':
        return f'goto {target(ops[0], labels)}', 1
    if mn == 'ja32':
        raise Unsupported(f'ja32: {V4}')
    if mn == 'call':
        words = rest.split()
        if words[0] == 'local':
            return f'call {target(words[1], labels)}', 1
        if words[0] == 'helper':
            words = words[1:]
        if is_reg(words[0]):
            raise Unsupported('call %rN (callx): llvm-mc 14 has none')
        return f'call {num(words[0])}', 1
    if mn == 'lock':
        m = re.fullmatch(r'(fetch\s+)?(\w+?)(32|64)?\s+(\[.*\])\s*,\s*(\S+)',
                         rest.strip())
        if not m:
            raise Untranslatable(f"lock form '{rest.strip()}'")
        fetch, op, w, addr, src = m.groups()
        if fetch or op not in LOCK:
            raise Unsupported('lock fetch/xchg/cmpxchg: llvm-mc 14 cannot '
                              'parse its own atomic_fetch_*/xchg/cmpxchg')
        w32 = w == '32'
        return (f"lock *({'u32' if w32 else 'u64'} *){mem(addr)} "
                f"{LOCK[op]} {reg(src, w32)}", 1)
    if re.fullmatch(r'movsx\d+', mn):
        raise Unsupported(f'{mn}: {V4}')
    m = re.fullmatch(r'(be|le|swap|bswap)(16|32|64)', mn)
    if m:
        if m.group(1) in ('swap', 'bswap'):
            raise Unsupported(f'{mn}: {V4}')
        return f'{reg(ops[0])} = {m.group(1)}{m.group(2)} {reg(ops[0])}', 1
    m = re.fullmatch(r'(ldxs|ldx|stx|st)(b|h|w|dw)', mn)
    if m:
        kind, size = m.groups()
        if kind == 'ldxs':
            raise Unsupported(f'{mn}: {V4}')
        if kind == 'ldx':
            return f'{reg(ops[0])} = *({SIZE[size]} *){mem(ops[1])}', 1
        if kind == 'stx':
            return f'*({SIZE[size]} *){mem(ops[0])} = {reg(ops[1])}', 1
        raise Unsupported(f'{mn} (a store of an immediate): llvm-mc 14 '
                          'has none')
    base, w32 = width(mn)
    if base in JMP or base == 'jset':
        if base == 'jset':
            raise Unsupported(f"{mn}: llvm-mc 14's parser has no '&' jump")
        src = reg(ops[1], w32) if is_reg(ops[1]) else str(num(ops[1]))
        return (f'if {reg(ops[0], w32)} {JMP[base]} {src} goto '
                f'{target(ops[2], labels)}', 1)
    if base in ('sdiv', 'smod'):
        raise Unsupported(f'{mn}: {V4}')
    if base == 'mod':
        raise Unsupported(f"{mn}: llvm-mc 14's parser has no '%='")
    if base == 'neg':
        d = reg(ops[0], w32)
        return f'{d} = -{d}', 1
    if base in ALU:
        src = reg(ops[1], w32) if is_reg(ops[1]) else str(num(ops[1]))
        return f'{reg(ops[0], w32)} {ALU[base]} {src}', 1
    raise Untranslatable(f"mnemonic '{mn}'")


def asm_section(path):
    text, on = [], False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('--'):
                on = line.split()[1:2] == ['asm']
                continue
            if on:
                text.append(line.rstrip('\n'))
    return text if text else None


def parse_program(lines):
    """-> labels, [(lineno, label or None, mnemonic, rest)]."""
    labels, insns = set(), []
    for no, line in enumerate(lines, 1):
        s = line.split('#', 1)[0].strip()
        if not s:
            continue
        label = None
        m = re.match(r'([A-Za-z_.$][\w.$]*):\s*(.*)', s)
        if m:
            label, s = m.group(1), m.group(2)
            labels.add(label)
        mn, _, rest = s.partition(' ') if s else ('', '', '')
        insns.append((no, label, mn, rest))
    return labels, insns


def form_of(mn, rest):
    """The case an instruction belongs to: its uBPF mnemonic (a 64 suffix
    dropped) and the kinds of its operands, e.g. 'jsgt32 %rD, imm, off'."""
    ops = operands(rest)
    if mn == 'lock':
        m = re.fullmatch(r'(fetch\s+)?(\w+?)(32|64)?\s+\[.*', rest.strip())
        if m:
            return (f"lock {'fetch ' if m.group(1) else ''}{m.group(2)}"
                    f"{'32' if m.group(3) == '32' else ''}")
        return 'lock ?'
    if mn == 'call':
        words = rest.split()
        if words and words[0] == 'local':
            return 'call local'
        return 'call %rN' if words and is_reg(words[-1]) else 'call helper'
    if mn in ('exit', 'lddw', 'ja', 'ja32') or re.fullmatch(
            r'(movsx\d+|(be|le|swap|bswap)\d+|(ldxs|ldx|stx)(b|h|w|dw))', mn):
        return mn
    if re.fullmatch(r'st(b|h|w|dw)', mn):
        return f'{mn} imm'
    base, w32 = width(mn)
    sfx = '32' if w32 else ''
    if base == 'neg':
        return f'neg{sfx} %rD'
    kind = '%rS' if len(ops) > 1 and is_reg(ops[1]) else 'imm'
    if base in JMP or base == 'jset':
        return f'{base}{sfx} %rD, {kind}, off'
    return f'{base}{sfx} %rD, {kind}'


def hexb(b):
    return ' '.join(f'{x:02x}' for x in b)


def llvm_image(llvm_mc, objcopy, lines, tmp):
    src, obj, raw = (os.path.join(tmp, n) for n in ('p.s', 'p.o', 'p.bin'))
    with open(src, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    r = subprocess.run([llvm_mc, '-triple', 'bpfel', '-mcpu=v3',
                        '-filetype=obj', '-o', obj, src],
                       capture_output=True, text=True, check=False)
    if r.returncode:
        return None, r.stderr
    subprocess.run([objcopy, '-O', 'binary', '--only-section=.text', obj,
                    raw], check=True)
    with open(raw, 'rb') as f:
        return f.read(), ''


def main():
    asm2raw, llvm_mc, tests = sys.argv[1:4]
    objcopy = os.path.join(os.path.dirname(llvm_mc), 'llvm-objcopy')
    cases = {}   # key -> dict(name, checked, failure, skips)
    progs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for fname in sorted(os.listdir(tests)):
            if not fname.endswith('.data'):
                continue
            lines = asm_section(os.path.join(tests, fname))
            if lines is None:
                print(f'note: {fname} has no -- asm section (raw): not '
                      'assembled')
                continue
            progs += 1
            src = os.path.join(tmp, 'x.s')
            binf = os.path.join(tmp, 'x.bin')
            with open(src, 'w', encoding='utf-8') as f:
                f.write('\n'.join(lines) + '\n')
            r = subprocess.run([asm2raw, src, binf], capture_output=True,
                               text=True, check=False)
            if r.returncode:
                print(f'FAIL asm-crosscheck:assembles {fname}: '
                      f'{r.stderr.strip()}')
                continue
            with open(binf, 'rb') as f:
                ours = f.read()
            labels, insns = parse_program(lines)
            out, slots, slot = [], [], 0   # slots: (slot, n, no, why)
            first_exit = True
            for no, label, mn, rest in insns:
                if label:
                    out.append(f'L_{label}:')
                if not mn:
                    continue
                if mn == 'exit' and first_exit and 'exit' not in labels:
                    out.append('L_xfo_first_exit:')
                    first_exit = False
                try:
                    text, n = translate(mn, rest, labels)
                    why = None
                except Unsupported as e:
                    n = 2 if mn == 'lddw' else 1
                    text = '\n'.join([PLACEHOLDER] * n)
                    why = str(e)
                except (Untranslatable, IndexError, ValueError) as e:
                    print(f'FAIL asm-crosscheck:translates {fname}: line '
                          f'{no}: {e}')
                    break
                out.append(text)
                slots.append((slot, n, no, why, len(out) - 1,
                              form_of(mn, rest)))
                slot += n
            else:
                theirs, err = llvm_image(llvm_mc, objcopy, out, tmp)
                for _ in range(20):
                    if theirs is not None:
                        break
                    # Lines llvm-mc refused: placeholders, said why.
                    bad = {int(m) for m in
                           re.findall(r'p\.s:(\d+):\d+: error', err)}
                    if not bad:
                        break
                    for i, (s0, n, no, why, oi, fm) in enumerate(slots):
                        if oi + 1 in bad:
                            msg = re.search(rf'p\.s:{oi + 1}:\d+: error: '
                                            r'(.*)', err).group(1)
                            slots[i] = (s0, n, no,
                                        f"llvm-mc refused '{out[oi]}': "
                                        f'{msg}', oi, fm)
                            out[oi] = PLACEHOLDER
                    theirs, err = llvm_image(llvm_mc, objcopy, out, tmp)
                if theirs is None:
                    print(f'FAIL asm-crosscheck:llvm-mc {fname}: '
                          f'{err.strip()[:300]}')
                    continue
                if len(theirs) != len(ours):
                    print(f'FAIL asm-crosscheck:length {fname}: ours '
                          f'{len(ours) // 8} slots, llvm-mc\'s '
                          f'{len(theirs) // 8}')
                    continue
                for s0, n, no, why, _, fm in slots:
                    a = ours[s0 * 8:(s0 + n) * 8]
                    c = cases.setdefault(fm, {'code': None, 'checked': 0,
                                              'failure': None,
                                              'skips': set()})
                    if why:
                        c['skips'].add(why)
                        continue
                    b = theirs[s0 * 8:(s0 + n) * 8]
                    c['code'] = c['code'] or b[0]
                    c['checked'] += 1
                    if a != b and not c['failure']:
                        c['failure'] = (f'{fname} line {no} '
                                        f"'{lines[no - 1].strip()}': ours "
                                        f'{hexb(a)}, llvm-mc {hexb(b)}')
        # The forms llvm-mc could not check: the hand-encoded samples.
        for text, want in HAND:
            want = bytes.fromhex(want)
            mn, _, rest = text.partition(' ')
            c = cases.get(form_of(mn, rest))
            if not c:
                print(f"note: the sample '{text}' is of a form the "
                      'suite does not use')
                continue
            if c['checked']:
                continue
            src = os.path.join(tmp, 'h.s')
            binf = os.path.join(tmp, 'h.bin')
            with open(src, 'w', encoding='utf-8') as f:
                f.write(text + '\nexit\nexit\nexit\n')
            r = subprocess.run([asm2raw, src, binf], capture_output=True,
                               text=True, check=False)
            got = b''
            if not r.returncode:
                with open(binf, 'rb') as f:
                    got = f.read(8)
            c['hand'] = text
            c['code'] = want[0]
            if got != want and not c['failure']:
                c['failure'] = (f"the sample '{text}': ours "
                                f"{hexb(got) or r.stderr.strip()}, by hand "
                                f'{hexb(want)}')
    print(f'note: {progs} programs in asm, {len(cases)} instruction forms')
    for form in sorted(cases):
        c = cases[form]
        name = f'asm-crosscheck:{form}'
        code = f"{c['code']:#04x}, " if c['code'] is not None else ''
        if c['failure']:
            print(f"FAIL {name}: {c['failure']}")
        elif c.get('hand'):
            print(f"PASS {name} ({code}a hand-encoded sample, "
                  f"'{c['hand']}', as "
                  f"llvm-mc cannot: {'; '.join(sorted(c['skips']))})")
        elif c['checked']:
            extra = (f"; {sum(1 for _ in c['skips'])} form(s) not "
                     f"checkable: {'; '.join(sorted(c['skips']))}"
                     if c['skips'] else '')
            print(f"PASS {name} ({code}{c['checked']} instructions by "
                  f"llvm-mc){extra}")
        else:
            print(f"SKIP {name}: {'; '.join(sorted(c['skips']))}")


if __name__ == '__main__':
    main()
