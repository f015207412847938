package io.peapod.runtime.seccomp;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a classic BPF program with symbolic forward jumps. Conditional jumps reach at most 255
 * instructions; a branch that lands further is rewritten to jump to an inserted {@code ja}
 * (whose offset is 32-bit), repeated until every branch fits.
 */
final class BpfAssembler {

    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;

    /** The kernel's limit on filter length (BPF_MAXINSNS). */
    static final int MAX_INSNS = 4096;

    /** A jump target, bound to the next instruction emitted after {@link #bind}. */
    static final class Label {
        private Insn target;
    }

    private static final class Insn {
        final int code;
        final int k;
        Label jt;
        Label jf;

        Insn(int code, int k, Label jt, Label jf) {
            this.code = code;
            this.k = k;
            this.jt = jt;
            this.jf = jf;
        }

        boolean conditional() {
            return (code & 0x07) == 0x05 && code != JMP_JA;
        }
    }

    private final List<Insn> insns = new ArrayList<>();
    private final List<Label> pending = new ArrayList<>();

    Label label() {
        return new Label();
    }

    /** Binds the label to the next instruction emitted. */
    void bind(Label label) {
        pending.add(label);
    }

    void load(int offset) {
        emit(new Insn(LD_W_ABS, offset, null, null));
    }

    void and(int mask) {
        emit(new Insn(ALU_AND_K, mask, null, null));
    }

    void ret(int value) {
        emit(new Insn(RET_K, value, null, null));
    }

    void jump(Label target) {
        emit(new Insn(JMP_JA, 0, target, null));
    }

    /** A conditional jump; a null target means the next instruction. */
    void jump(int code, int k, Label ifTrue, Label ifFalse) {
        Label next = null;
        if (ifTrue == null || ifFalse == null) {
            next = label();
        }
        emit(new Insn(code, k, ifTrue == null ? next : ifTrue, ifFalse == null ? next : ifFalse));
        if (next != null) {
            bind(next);
        }
    }

    private void emit(Insn insn) {
        for (Label l : pending) {
            l.target = insn;
        }
        pending.clear();
        insns.add(insn);
    }

    /** Resolves every jump and returns the program as struct sock_filter[] bytes, little-endian. */
    byte[] assemble() {
        if (!pending.isEmpty()) {
            throw new IllegalStateException("label bound past the end of the program");
        }
        fitJumps();
        if (insns.size() > MAX_INSNS) {
            throw new InvalidArgumentException("seccomp filter has " + insns.size()
                    + " instructions, more than the kernel's limit of " + MAX_INSNS);
        }
        Map<Insn, Integer> pos = positions();
        ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < insns.size(); i++) {
            Insn in = insns.get(i);
            int jt = 0;
            int jf = 0;
            int k = in.k;
            if (in.code == JMP_JA) {
                k = offset(pos, i, in.jt);
            } else if (in.conditional()) {
                jt = offset(pos, i, in.jt);
                jf = offset(pos, i, in.jf);
            }
            out.putShort((short) in.code).put((byte) jt).put((byte) jf).putInt(k);
        }
        return out.array();
    }

    private void fitJumps() {
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Insn, Integer> pos = positions();
            for (int i = 0; i < insns.size() && !changed; i++) {
                Insn in = insns.get(i);
                if (!in.conditional()) {
                    continue;
                }
                if (offset(pos, i, in.jt) > 255) {
                    in.jt = trampoline(i, in.jt);
                    changed = true;
                } else if (offset(pos, i, in.jf) > 255) {
                    in.jf = trampoline(i, in.jf);
                    changed = true;
                }
            }
        }
    }

    /** Inserts {@code ja target} right after instruction i and returns a label on it. */
    private Label trampoline(int i, Label target) {
        Insn ja = new Insn(JMP_JA, 0, target, null);
        insns.add(i + 1, ja);
        Label l = new Label();
        l.target = ja;
        return l;
    }

    private Map<Insn, Integer> positions() {
        Map<Insn, Integer> pos = new IdentityHashMap<>();
        for (int i = 0; i < insns.size(); i++) {
            pos.put(insns.get(i), i);
        }
        return pos;
    }

    private static int offset(Map<Insn, Integer> pos, int from, Label to) {
        if (to.target == null) {
            throw new IllegalStateException("jump to an unbound label");
        }
        int off = pos.get(to.target) - from - 1;
        if (off < 0) {
            throw new IllegalStateException("backward jump at instruction " + from);
        }
        return off;
    }
}
