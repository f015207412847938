package io.peapod.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A classic BPF interpreter for seccomp filters, for tests: it first checks the program the way
 * the kernel's seccomp_check_filter and bpf_check_classic do (aligned loads inside seccomp_data,
 * jumps inside the program, a final return), then runs it on one seccomp_data.
 */
final class BpfInterpreter {

    private static final int SECCOMP_DATA_SIZE = 64;

    private final short[] code;
    private final int[] jt;
    private final int[] jf;
    private final int[] k;

    BpfInterpreter(byte[] program) {
        if (program.length == 0 || program.length % 8 != 0) {
            throw new IllegalArgumentException("program length " + program.length + " is not a multiple of 8");
        }
        int n = program.length / 8;
        if (n > 4096) {
            throw new IllegalArgumentException(n + " instructions exceed BPF_MAXINSNS");
        }
        code = new short[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            code[i] = b.getShort();
            jt[i] = b.get() & 0xff;
            jf[i] = b.get() & 0xff;
            k[i] = b.getInt();
        }
        check();
    }

    int size() {
        return code.length;
    }

    /** Number of instructions with this opcode. */
    int count(int opcode) {
        int c = 0;
        for (short s : code) {
            if (s == opcode) {
                c++;
            }
        }
        return c;
    }

    private void check() {
        int n = code.length;
        for (int i = 0; i < n; i++) {
            switch (code[i]) {
                case 0x20 -> {
                    if (k[i] < 0 || k[i] >= SECCOMP_DATA_SIZE || (k[i] & 3) != 0) {
                        throw new IllegalArgumentException("bad load offset " + k[i] + " at " + i);
                    }
                }
                case 0x54, 0x06 -> {
                }
                case 0x05 -> {
                    if (Integer.toUnsignedLong(k[i]) >= n - i - 1) {
                        throw new IllegalArgumentException("ja out of program at " + i);
                    }
                }
                case 0x15, 0x25, 0x35, 0x45 -> {
                    if (i + 1 + jt[i] >= n || i + 1 + jf[i] >= n) {
                        throw new IllegalArgumentException("jump out of program at " + i);
                    }
                }
                default -> throw new IllegalArgumentException("opcode 0x" + Integer.toHexString(code[i]) + " at " + i);
            }
        }
        if (code[n - 1] != 0x06) {
            throw new IllegalArgumentException("program does not end with ret");
        }
    }

    /** Runs the filter on seccomp_data {nr, arch, ip = 0, args}; returns the SECCOMP_RET_* value. */
    int run(int nr, int arch, long... args) {
        ByteBuffer data = ByteBuffer.allocate(SECCOMP_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr);
        data.putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        for (int steps = 0; steps < 100_000; steps++) {
            int op = code[pc];
            switch (op) {
                case 0x20 -> {
                    a = data.getInt(k[pc]);
                    pc++;
                }
                case 0x54 -> {
                    a &= k[pc];
                    pc++;
                }
                case 0x06 -> {
                    return k[pc];
                }
                case 0x05 -> pc += 1 + k[pc];
                case 0x15 -> pc += 1 + (a == k[pc] ? jt[pc] : jf[pc]);
                case 0x25 -> pc += 1 + (Integer.compareUnsigned(a, k[pc]) > 0 ? jt[pc] : jf[pc]);
                case 0x35 -> pc += 1 + (Integer.compareUnsigned(a, k[pc]) >= 0 ? jt[pc] : jf[pc]);
                case 0x45 -> pc += 1 + ((a & k[pc]) != 0 ? jt[pc] : jf[pc]);
                default -> throw new IllegalStateException("opcode " + op);
            }
        }
        throw new IllegalStateException("program did not return");
    }
}
