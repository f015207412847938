package io.peapod.runtime.cgroup.v2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a cgroup device program on one request, for tests. It knows only the instructions {@link DeviceFilter}
 * emits and checks what the kernel's verifier would refuse at run time instead: reads of registers never
 * written, context loads other than aligned u32 fields from r1 while it holds the context, backward or
 * out-of-range jumps, and a result other than 0 or 1.
 */
final class EbpfInterpreter {
    private final byte[] program;

    EbpfInterpreter(byte[] program) {
        if (program.length == 0 || program.length % 8 != 0) {
            throw new IllegalArgumentException("program length " + program.length + " is not a multiple of 8");
        }
        this.program = program;
    }

    /** The program's verdict: 1 allow, 0 refuse. {@code type} is 1 block or 2 char; access the BPF bits. */
    int run(int type, int access, int major, int minor) {
        int[] ctx = {(access << 16) | type, major, minor};
        long[] reg = new long[11];
        boolean[] set = new boolean[11];
        boolean[] isCtx = new boolean[11];
        set[1] = true;
        isCtx[1] = true;
        ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int n = program.length / 8;
        int pc = 0;
        while (true) {
            if (pc < 0 || pc >= n) {
                throw new IllegalStateException("fell off the program at " + pc);
            }
            int code = b.get(pc * 8) & 0xff;
            int regs = b.get(pc * 8 + 1) & 0xff;
            int dst = regs & 0xf;
            int src = regs >>> 4;
            int off = b.getShort(pc * 8 + 2);
            int imm = b.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case DeviceFilter.LDX_MEM_W -> {
                    if (!isCtx[src] || off < 0 || off > 8 || off % 4 != 0) {
                        throw new IllegalStateException("invalid context load r" + src + "+" + off);
                    }
                    write(reg, set, isCtx, dst, ctx[off / 4] & 0xffffffffL);
                }
                case DeviceFilter.ALU32_AND_K -> write(reg, set, isCtx, dst, (read(reg, set, isCtx, dst) & imm)
                        & 0xffffffffL);
                case DeviceFilter.ALU32_RSH_K -> write(reg, set, isCtx, dst,
                        ((int) read(reg, set, isCtx, dst) >>> imm) & 0xffffffffL);
                case DeviceFilter.ALU32_MOV_K -> write(reg, set, isCtx, dst, imm & 0xffffffffL);
                case DeviceFilter.ALU32_MOV_X -> write(reg, set, isCtx, dst, read(reg, set, isCtx, src) & 0xffffffffL);
                case DeviceFilter.JMP_JEQ_K -> pc = jump(pc, off, n, read(reg, set, isCtx, dst) == (long) imm);
                case DeviceFilter.JMP_JNE_K -> pc = jump(pc, off, n, read(reg, set, isCtx, dst) != (long) imm);
                case DeviceFilter.JMP_JNE_X -> pc = jump(pc, off, n,
                        read(reg, set, isCtx, dst) != read(reg, set, isCtx, src));
                case DeviceFilter.JMP_EXIT -> {
                    long r0 = read(reg, set, isCtx, 0);
                    if (r0 != 0 && r0 != 1) {
                        throw new IllegalStateException("result " + r0 + " is neither 0 nor 1");
                    }
                    return (int) r0;
                }
                default -> throw new IllegalStateException(String.format("unknown opcode 0x%02x at %d", code, pc - 1));
            }
        }
    }

    private static long read(long[] reg, boolean[] set, boolean[] isCtx, int r) {
        if (!set[r] || isCtx[r]) {
            throw new IllegalStateException("r" + r + " read as a scalar before it holds one");
        }
        return reg[r];
    }

    private static void write(long[] reg, boolean[] set, boolean[] isCtx, int r, long value) {
        if (r > 9) {
            throw new IllegalStateException("write to r" + r);
        }
        reg[r] = value;
        set[r] = true;
        isCtx[r] = false;
    }

    private static int jump(int pc, int off, int n, boolean taken) {
        if (off < 0 || pc + off > n) {
            throw new IllegalStateException("jump by " + off + " from " + (pc - 1) + " leaves the program");
        }
        return taken ? pc + off : pc;
    }
}
