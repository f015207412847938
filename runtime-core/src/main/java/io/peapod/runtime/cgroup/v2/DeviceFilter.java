package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.DevicePolicy;
import io.peapod.runtime.cgroup.DeviceRule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) that enforces a {@link DevicePolicy} on a cgroup v2 host,
 * where the devices controller is gone and the kernel asks the cgroup's programs instead.
 *
 * <p>The kernel calls the program with a {@code struct bpf_cgroup_dev_ctx}: {@code access_type} (u32 at 0:
 * access bits in the upper 16 bits, BPF_DEVCG_DEV_BLOCK 1 or BPF_DEVCG_DEV_CHAR 2 in the lower), {@code major}
 * (u32 at 4), {@code minor} (u32 at 8). It returns 1 to allow and 0 to refuse (EPERM).
 *
 * <p>Semantics: the OCI rules are not compiled one by one. They are first reduced to the policy the cgroup v1
 * kernel would hold after applying them in order ({@link DevicePolicy}: a default verdict and exceptions with
 * the opposite verdict), and the program tests those exceptions. Since every exception has the same verdict,
 * their order does not matter: the first match decides, and no match means the default. A later rule still
 * wins over an earlier one for the same device, because the reduction already folded them together; what the
 * reduction adds over "last matching rule wins" is v1's refusal to punch a narrower hole into a wider
 * exception. So one spec gives the same answers on v1 and v2 hosts (runc builds its filter the same way).
 *
 * <p>Matching follows the kernel's v1 check too: an allowing exception must hold every requested access bit
 * (an open for read and write needs both); a refusing exception refuses as soon as it holds one of them.
 *
 * <p>Layout: six instructions load the type into r2, the access into r3, major into r4 and minor into r5;
 * one block per exception jumps to the next block on any mismatch, else sets r0 and exits; the last block
 * returns the default.
 */
final class DeviceFilter {
    // Instruction classes and fields of linux/bpf_common.h and linux/bpf.h.
    static final int LDX_MEM_W = 0x61;
    static final int ALU32_AND_K = 0x54;
    static final int ALU32_RSH_K = 0x74;
    static final int ALU32_MOV_K = 0xb4;
    static final int ALU32_MOV_X = 0xbc;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JNE_K = 0x55;
    static final int JMP_JNE_X = 0x5d;
    static final int JMP_EXIT = 0x95;

    static final int BPF_DEVCG_DEV_BLOCK = 1;
    static final int BPF_DEVCG_DEV_CHAR = 2;

    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R2_TYPE = 2;
    private static final int R3_ACCESS = 3;
    private static final int R4_MAJOR = 4;
    private static final int R5_MINOR = 5;

    /** One {@code struct bpf_insn}; {@code off} of a jump counts instructions after the next one. */
    record Instruction(int code, int dst, int src, int off, int imm) {
        @Override
        public String toString() {
            return String.format("%02x dst=r%d src=r%d off=%d imm=%d", code, dst, src, off, imm);
        }
    }

    private DeviceFilter() {
    }

    static List<Instruction> instructions(DevicePolicy policy) {
        List<Instruction> program = new ArrayList<>();
        program.add(new Instruction(LDX_MEM_W, R2_TYPE, R1, 0, 0));
        program.add(new Instruction(ALU32_AND_K, R2_TYPE, 0, 0, 0xffff));
        program.add(new Instruction(LDX_MEM_W, R3_ACCESS, R1, 0, 0));
        program.add(new Instruction(ALU32_RSH_K, R3_ACCESS, 0, 0, 16));
        program.add(new Instruction(LDX_MEM_W, R4_MAJOR, R1, 4, 0));
        program.add(new Instruction(LDX_MEM_W, R5_MINOR, R1, 8, 0));
        boolean exceptionAllows = !policy.defaultAllow();
        for (Map.Entry<DevicePolicy.Key, Integer> e : policy.exceptions().entrySet()) {
            program.addAll(block(e.getKey(), e.getValue(), exceptionAllows));
        }
        program.add(new Instruction(ALU32_MOV_K, R0, 0, 0, policy.defaultAllow() ? 1 : 0));
        program.add(new Instruction(JMP_EXIT, 0, 0, 0, 0));
        return program;
    }

    /** The tests of one exception; each jump's offset is filled in once the block's length is known. */
    private static List<Instruction> block(DevicePolicy.Key key, int access, boolean allows) {
        List<Instruction> tests = new ArrayList<>();
        int type = key.type() == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
        tests.add(new Instruction(JMP_JNE_K, R2_TYPE, 0, -1, type));
        if (access != DeviceRule.ALL_ACCESS) {
            // r1 (the context pointer, no longer needed) = requested access & exception access
            tests.add(new Instruction(ALU32_MOV_X, R1, R3_ACCESS, 0, 0));
            tests.add(new Instruction(ALU32_AND_K, R1, 0, 0, access));
            tests.add(allows
                    ? new Instruction(JMP_JNE_X, R1, R3_ACCESS, -1, 0) // some requested bit is not held
                    : new Instruction(JMP_JEQ_K, R1, 0, -1, 0));       // no requested bit is held
        }
        if (key.major() != DeviceRule.WILDCARD) {
            tests.add(new Instruction(JMP_JNE_K, R4_MAJOR, 0, -1, (int) key.major()));
        }
        if (key.minor() != DeviceRule.WILDCARD) {
            tests.add(new Instruction(JMP_JNE_K, R5_MINOR, 0, -1, (int) key.minor()));
        }
        tests.add(new Instruction(ALU32_MOV_K, R0, 0, 0, allows ? 1 : 0));
        tests.add(new Instruction(JMP_EXIT, 0, 0, 0, 0));
        List<Instruction> block = new ArrayList<>(tests.size());
        for (int i = 0; i < tests.size(); i++) {
            Instruction t = tests.get(i);
            // a mismatch skips to the first instruction after this block
            block.add(t.off() == -1 ? new Instruction(t.code(), t.dst(), t.src(), tests.size() - i - 1, t.imm()) : t);
        }
        return block;
    }

    /** The program as the kernel takes it: 8 bytes per instruction, little-endian. */
    static byte[] encode(List<Instruction> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : program) {
            b.put((byte) i.code());
            b.put((byte) ((i.src() << 4) | i.dst()));
            b.putShort((short) i.off());
            b.putInt(i.imm());
        }
        return b.array();
    }
}
