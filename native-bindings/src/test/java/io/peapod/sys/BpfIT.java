package io.peapod.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** bpf(2) from Java against the real kernel: what loads, and what a refusal says. */
class BpfIT {
    private static final Syscalls SYS = LinuxSyscalls.get();

    @BeforeAll
    static void requireRoot() {
        assumeTrue(SYS.geteuid() == 0, "needs root (CAP_SYS_ADMIN) to load BPF programs");
    }

    /** mov32 r0, imm; exit. */
    private static byte[] returning(int value) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0xb4).put((byte) 0).putShort((short) 0).putInt(value);
        b.put((byte) 0x95).put((byte) 0).putShort((short) 0).putInt(0);
        return b.array();
    }

    @Test
    void aValidDeviceProgramLoads() {
        int fd = SYS.bpfLoadDeviceProgram(returning(1), "peapod_test");
        assertTrue(fd > 2, "fd " + fd);
        SYS.close(fd);
    }

    @Test
    void aRefusedProgramCarriesTheVerifiersReason() {
        SyscallException e = assertThrows(SyscallException.class,
                () -> SYS.bpfLoadDeviceProgram(returning(2), "peapod_test"));
        assertEquals("bpf", e.call());
        assertTrue(e.getMessage().startsWith("bpf(\"BPF_PROG_LOAD\", \"BPF_PROG_TYPE_CGROUP_DEVICE\", "
                + "\"2 instructions\") failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("verifier: ") && e.getMessage().contains("R0"), e.getMessage());
    }

    @Test
    void queryingAFileThatIsNoCgroupFails() {
        int fd = SYS.openDirectory("/tmp");
        try {
            SyscallException e = assertThrows(SyscallException.class,
                    () -> SYS.bpfProgQuery(fd, Syscalls.BPF_CGROUP_DEVICE));
            assertTrue(e.getMessage().startsWith("bpf(\"BPF_PROG_QUERY\", "), e.getMessage());
        } finally {
            SYS.close(fd);
        }
    }
}
