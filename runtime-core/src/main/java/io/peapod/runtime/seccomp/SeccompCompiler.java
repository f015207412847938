package io.peapod.runtime.seccomp;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.seccomp.BpfAssembler.Label;
import io.peapod.runtime.spec.Seccomp;
import io.peapod.runtime.spec.SeccompArg;
import io.peapod.runtime.spec.SeccompSyscall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles the {@code linux.seccomp} section of an OCI spec into a classic BPF program for
 * {@code seccomp(SECCOMP_SET_MODE_FILTER)} on an x86_64 kernel: an array of
 * {@code struct sock_filter} (u16 code, u8 jt, u8 jf, u32 k; little-endian).
 *
 * <p>Semantics, where the spec leaves them to the implementation:
 * <ul>
 * <li>Architectures: x86_64 is always filtered (the native one, as libseccomp always adds it).
 *   SCMP_ARCH_X86 (i386) and SCMP_ARCH_X32 are filtered when listed, with their own system call
 *   numbers. A call from an architecture that is not listed gets SECCOMP_RET_KILL_PROCESS, as
 *   libseccomp's bad-architecture action kills. Other architectures in the list cannot occur on
 *   x86_64 and are ignored.</li>
 * <li>A name that the architecture lacks is skipped for it (logged at debug), as libseccomp does;
 *   a name that no architecture has is an error.</li>
 * <li>For a system call named by several rules, the rules are tried in the order of the spec and
 *   the first one whose argument conditions all hold decides; if none holds, the default action
 *   applies.</li>
 * <li>Arguments are compared as unsigned 64-bit values on x86_64. On i386 and x32 only the low
 *   32 bits are compared, as the arguments of those ABIs are 32-bit (libseccomp does the same).</li>
 * <li>ERRNO and TRACE without errnoRet return EPERM (runc's choice). NOTIFY is refused: peapod
 *   has no seccomp agent to pass the listener to.</li>
 * </ul>
 */
public final class SeccompCompiler {

    private static final Logger LOG = LoggerFactory.getLogger(SeccompCompiler.class);

    /** SECCOMP_FILTER_FLAG_* values, for the flags of the seccomp(2) call. */
    public static final Map<String, Integer> FILTER_FLAGS = Map.of(
            "SECCOMP_FILTER_FLAG_LOG", 2,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4,
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32);

    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARGS = 16;
    /** After this many tests, the shared returns are emitted, so that jumps to them stay short. */
    private static final int GROUP_LIMIT = 60;

    private SeccompCompiler() {
    }

    private record ArchSection(String name, SyscallTable table, boolean fullWidthArgs) {
    }

    /** A rule resolved for the compiler: action value and argument conditions. */
    private record Rule(int ret, List<SeccompArg> args) {
        boolean unconditional() {
            return args == null || args.isEmpty();
        }
    }

    /** Compiles the filter; throws InvalidArgumentException for a profile that validate rejects. */
    public static byte[] compile(Seccomp spec) {
        validate(spec, "linux.seccomp");
        int defaultRet = action(spec.defaultAction).returnValue(spec.defaultErrnoRet);
        int badArch = SeccompAction.KILL_PROCESS.returnValue(null);
        Set<String> arches = new LinkedHashSet<>();
        if (spec.architectures != null) {
            arches.addAll(spec.architectures);
        }

        BpfAssembler asm = new BpfAssembler();
        Label x86_64 = asm.label();
        Label i386 = asm.label();
        asm.load(OFF_ARCH);
        asm.jump(BpfAssembler.JMP_JEQ_K, SeccompArch.AUDIT_ARCH_X86_64, x86_64, null);
        if (arches.contains(SeccompArch.X86)) {
            asm.jump(BpfAssembler.JMP_JEQ_K, SeccompArch.AUDIT_ARCH_I386, i386, null);
        }
        asm.ret(badArch);

        // x86_64 and x32 share the audit arch; x32 numbers carry bit 30. -1 is what a tracer
        // leaves to skip a call; it goes to the native rules and meets the default action.
        asm.bind(x86_64);
        asm.load(OFF_NR);
        Label native64 = asm.label();
        Label x32 = asm.label();
        asm.jump(BpfAssembler.JMP_JEQ_K, -1, native64, null);
        asm.jump(BpfAssembler.JMP_JGE_K, SyscallTable.X32_SYSCALL_BIT, x32, native64);
        asm.bind(native64);
        emitRules(asm, spec, new ArchSection("x86_64", SyscallTable.X86_64, true), defaultRet);
        asm.bind(x32);
        if (arches.contains(SeccompArch.X32)) {
            emitRules(asm, spec, new ArchSection("x32", SyscallTable.X32, false), defaultRet);
        } else {
            asm.ret(badArch);
        }
        if (arches.contains(SeccompArch.X86)) {
            asm.bind(i386);
            asm.load(OFF_NR);
            emitRules(asm, spec, new ArchSection("x86", SyscallTable.X86, false), defaultRet);
        }
        byte[] program = asm.assemble();
        LOG.debug("seccomp: {} rules for architectures {} compiled into {} BPF instructions",
                spec.syscalls == null ? 0 : spec.syscalls.size(), arches, program.length / 8);
        return program;
    }

    /** The SECCOMP_FILTER_FLAG_* bits the spec's flags ask for. */
    public static int filterFlags(Seccomp spec) {
        int flags = 0;
        if (spec.flags != null) {
            for (int i = 0; i < spec.flags.size(); i++) {
                Integer f = spec.flags.get(i) == null ? null : FILTER_FLAGS.get(spec.flags.get(i));
                if (f == null) {
                    throw new InvalidArgumentException("linux.seccomp.flags[" + i + "]: unknown seccomp flag \""
                            + spec.flags.get(i) + "\"");
                }
                flags |= f;
            }
        }
        return flags;
    }

    /**
     * Checks a seccomp section; errors name the JSON path under {@code path}, for example
     * {@code linux.seccomp.syscalls[3].action: unknown seccomp action "SCMP_ACT_FOO"}.
     */
    public static void validate(Seccomp spec, String path) {
        if (spec == null) {
            throw new InvalidArgumentException(path + ": missing");
        }
        SeccompAction def = checkAction(spec.defaultAction, spec.defaultErrnoRet, path + ".defaultAction",
                path + ".defaultErrnoRet");
        if (def == null) {
            throw new InvalidArgumentException(path + ".defaultAction: missing");
        }
        if (spec.architectures != null) {
            for (int i = 0; i < spec.architectures.size(); i++) {
                String a = spec.architectures.get(i);
                if (a == null || !SeccompArch.KNOWN.contains(a)) {
                    throw new InvalidArgumentException(path + ".architectures[" + i + "]: unknown architecture \""
                            + a + "\"");
                }
            }
        }
        if (spec.flags != null) {
            for (int i = 0; i < spec.flags.size(); i++) {
                if (spec.flags.get(i) == null || !FILTER_FLAGS.containsKey(spec.flags.get(i))) {
                    throw new InvalidArgumentException(path + ".flags[" + i + "]: unknown seccomp flag \""
                            + spec.flags.get(i) + "\"");
                }
            }
        }
        if (spec.syscalls == null) {
            return;
        }
        for (int i = 0; i < spec.syscalls.size(); i++) {
            SeccompSyscall rule = spec.syscalls.get(i);
            String rp = path + ".syscalls[" + i + "]";
            if (rule == null) {
                throw new InvalidArgumentException(rp + ": null rule");
            }
            if (rule.names == null || rule.names.isEmpty()) {
                throw new InvalidArgumentException(rp + ".names: no system call names");
            }
            for (int n = 0; n < rule.names.size(); n++) {
                String name = rule.names.get(n);
                if (name == null) {
                    throw new InvalidArgumentException(rp + ".names[" + n + "]: null system call name");
                }
                if (!SyscallTable.isKnownAnywhere(name)) {
                    // runc's behaviour: orchestrators' default profiles name calls (e.g. "syscall")
                    // that no kernel table has; the rule simply does not apply to them
                    LOG.debug("{}.names[{}]: unknown system call \"{}\" ignored", rp, n, name);
                }
            }
            if (checkAction(rule.action, rule.errnoRet, rp + ".action", rp + ".errnoRet") == null) {
                throw new InvalidArgumentException(rp + ".action: missing");
            }
            if (rule.args != null) {
                for (int a = 0; a < rule.args.size(); a++) {
                    checkArg(rule.args.get(a), rp + ".args[" + a + "]");
                }
            }
        }
    }

    private static SeccompAction checkAction(String name, Long errnoRet, String path, String errnoPath) {
        if (name == null) {
            return null;
        }
        SeccompAction a = SeccompAction.fromSpecName(name).orElseThrow(
                () -> new InvalidArgumentException(path + ": unknown seccomp action \"" + name + "\""));
        if (a == SeccompAction.NOTIFY) {
            throw new InvalidArgumentException(path + ": seccomp action \"" + name
                    + "\" is not supported: peapod has no seccomp agent to hand the listener to");
        }
        if (errnoRet != null) {
            if (!a.takesErrno()) {
                throw new InvalidArgumentException(errnoPath + ": errno " + errnoRet + " given for action \"" + name
                        + "\"; only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take one");
            }
            if (errnoRet < 0 || errnoRet > SeccompAction.MAX_ERRNO) {
                throw new InvalidArgumentException(errnoPath + ": errno " + errnoRet + " is out of range 0…"
                        + SeccompAction.MAX_ERRNO);
            }
        }
        return a;
    }

    private static void checkArg(SeccompArg arg, String path) {
        if (arg == null) {
            throw new InvalidArgumentException(path + ": null argument condition");
        }
        if (arg.index == null || arg.index < 0 || arg.index > 5) {
            throw new InvalidArgumentException(path + ".index: argument index " + arg.index + " is not 0…5");
        }
        if (arg.op == null) {
            throw new InvalidArgumentException(path + ".op: missing");
        }
        SeccompOperator.fromSpecName(arg.op).orElseThrow(
                () -> new InvalidArgumentException(path + ".op: unknown seccomp operator \"" + arg.op + "\""));
        if (arg.value == null) {
            throw new InvalidArgumentException(path + ".value: missing");
        }
    }

    private static SeccompAction action(String name) {
        return SeccompAction.fromSpecName(name).orElseThrow();
    }

    /** Resolves the rules for one architecture: rules per system call number, in first-seen order. */
    private static Map<Integer, List<Rule>> resolve(Seccomp spec, ArchSection arch) {
        Map<Integer, List<Rule>> byNr = new LinkedHashMap<>();
        if (spec.syscalls == null) {
            return byNr;
        }
        for (SeccompSyscall s : spec.syscalls) {
            Rule rule = new Rule(action(s.action).returnValue(s.errnoRet), s.args);
            for (String name : s.names) {
                OptionalInt nr = arch.table().number(name);
                if (nr.isEmpty()) {
                    LOG.debug("seccomp: system call {} does not exist on {}; rule skipped there", name, arch.name());
                    continue;
                }
                List<Rule> rules = byNr.computeIfAbsent(nr.getAsInt(), k -> new ArrayList<>());
                // After an unconditional rule, later rules for the same call can never decide.
                if (rules.isEmpty() || !rules.get(rules.size() - 1).unconditional()) {
                    rules.add(rule);
                }
            }
        }
        return byNr;
    }

    /** A run of consecutive system call numbers lo…hi that all get ret without conditions. */
    private record Segment(int lo, int hi, int ret) {
    }

    /** One system call number whose rules have argument conditions, in the spec's order. */
    private record Conditional(int nr, List<Rule> rules) {
    }

    /**
     * Shared {@code ret} instructions: jumps to "return X" go to one instruction per value, emitted
     * after a stretch of tests rather than inline after each.
     */
    private static final class ReturnPool {
        private final Map<Integer, Label> labels = new LinkedHashMap<>();

        Label of(BpfAssembler asm, int ret) {
            return labels.computeIfAbsent(ret, r -> asm.label());
        }

        void emit(BpfAssembler asm) {
            for (Map.Entry<Integer, Label> e : labels.entrySet()) {
                asm.bind(e.getValue());
                asm.ret(e.getKey());
            }
            labels.clear();
        }
    }

    /**
     * Emits the tests of one architecture; the accumulator holds the system call number. The
     * numbers are tested in ascending order, which lets a run of consecutive numbers with the
     * same plain action be one range test, and lets a number below the next range go straight to
     * the default action. The order of tests does not change the outcome: each number has one
     * entry holding all of its rules.
     */
    private static void emitRules(BpfAssembler asm, Seccomp spec, ArchSection arch, int defaultRet) {
        TreeMap<Integer, List<Rule>> byNr = new TreeMap<>(Integer::compareUnsigned);
        byNr.putAll(resolve(spec, arch));
        List<Object> items = new ArrayList<>();
        Segment open = null;
        for (Map.Entry<Integer, List<Rule>> e : byNr.entrySet()) {
            List<Rule> rules = e.getValue();
            int nr = e.getKey();
            if (rules.size() == 1 && rules.get(0).unconditional()) {
                int ret = rules.get(0).ret();
                if (ret == defaultRet) {
                    continue;
                }
                if (open != null && open.ret() == ret && open.hi() + 1 == nr) {
                    open = new Segment(open.lo(), nr, ret);
                    items.set(items.size() - 1, open);
                } else {
                    open = new Segment(nr, nr, ret);
                    items.add(open);
                }
            } else {
                open = null;
                items.add(new Conditional(nr, rules));
            }
        }

        ReturnPool pool = new ReturnPool();
        int sinceFlush = 0;
        for (Object item : items) {
            if (item instanceof Segment seg) {
                Label hit = pool.of(asm, seg.ret());
                if (seg.lo() == seg.hi()) {
                    asm.jump(BpfAssembler.JMP_JEQ_K, seg.lo(), hit, null);
                } else {
                    // Below lo: below every later entry too, so nothing else can match.
                    asm.jump(BpfAssembler.JMP_JGE_K, seg.lo(), null, pool.of(asm, defaultRet));
                    Label next = asm.label();
                    asm.jump(BpfAssembler.JMP_JGT_K, seg.hi(), next, hit);
                    asm.bind(next);
                }
            } else if (item instanceof Conditional c) {
                Label next = asm.label();
                asm.jump(BpfAssembler.JMP_JEQ_K, c.nr(), null, next);
                for (Rule rule : c.rules()) {
                    Label fail = asm.label();
                    if (rule.args() != null) {
                        for (SeccompArg arg : rule.args()) {
                            emitCondition(asm, arg, arch.fullWidthArgs(), fail);
                        }
                    }
                    asm.ret(rule.ret());
                    asm.bind(fail);
                }
                asm.ret(defaultRet);
                asm.bind(next);
            }
            // Keep the shared returns within reach of a conditional jump (255 instructions).
            if (++sinceFlush == GROUP_LIMIT) {
                Label cont = asm.label();
                asm.jump(cont);
                pool.emit(asm);
                asm.bind(cont);
                sinceFlush = 0;
            }
        }
        asm.ret(defaultRet);
        pool.emit(asm);
    }

    /**
     * Emits one 64-bit comparison: falls through when it holds, jumps to fail when not. The
     * high word of argument i is at 16 + 8i + 4 (x86 is little-endian).
     */
    private static void emitCondition(BpfAssembler asm, SeccompArg arg, boolean fullWidth, Label fail) {
        SeccompOperator op = SeccompOperator.fromSpecName(arg.op).orElseThrow();
        int lowOff = OFF_ARGS + 8 * arg.index.intValue();
        int highOff = lowOff + 4;
        long value = arg.value;
        int vHi = (int) (value >>> 32);
        int vLo = (int) value;
        Label pass = asm.label();
        switch (op) {
            case EQ -> {
                if (fullWidth) {
                    asm.load(highOff);
                    asm.jump(BpfAssembler.JMP_JEQ_K, vHi, null, fail);
                }
                asm.load(lowOff);
                asm.jump(BpfAssembler.JMP_JEQ_K, vLo, pass, fail);
            }
            case NE -> {
                if (fullWidth) {
                    asm.load(highOff);
                    asm.jump(BpfAssembler.JMP_JEQ_K, vHi, null, pass);
                }
                asm.load(lowOff);
                asm.jump(BpfAssembler.JMP_JEQ_K, vLo, fail, pass);
            }
            case MASKED_EQ -> {
                long datum = arg.valueTwo == null ? 0 : arg.valueTwo;
                if (fullWidth) {
                    asm.load(highOff);
                    asm.and(vHi);
                    asm.jump(BpfAssembler.JMP_JEQ_K, (int) (datum >>> 32), null, fail);
                }
                asm.load(lowOff);
                asm.and(vLo);
                asm.jump(BpfAssembler.JMP_JEQ_K, (int) datum, pass, fail);
            }
            case GT, GE -> {
                // x > v: high words decide unless equal; then the low words decide.
                if (fullWidth) {
                    asm.load(highOff);
                    asm.jump(BpfAssembler.JMP_JGT_K, vHi, pass, null);
                    asm.jump(BpfAssembler.JMP_JEQ_K, vHi, null, fail);
                }
                asm.load(lowOff);
                asm.jump(op == SeccompOperator.GT ? BpfAssembler.JMP_JGT_K : BpfAssembler.JMP_JGE_K, vLo, pass, fail);
            }
            case LT, LE -> {
                // x < v is not (x >= v); x <= v is not (x > v).
                if (fullWidth) {
                    asm.load(highOff);
                    asm.jump(BpfAssembler.JMP_JGT_K, vHi, fail, null);
                    asm.jump(BpfAssembler.JMP_JEQ_K, vHi, null, pass);
                }
                asm.load(lowOff);
                asm.jump(op == SeccompOperator.LT ? BpfAssembler.JMP_JGE_K : BpfAssembler.JMP_JGT_K, vLo, fail, pass);
            }
            default -> throw new IllegalStateException("operator " + op);
        }
        asm.bind(pass);
    }
}
