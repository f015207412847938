package io.peapod.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    static int x86_64(String name) {
        return SyscallTable.X86_64.number(name).orElseThrow(() -> new AssertionError(name + " missing on x86_64"));
    }

    @Test
    void x86_64NumbersMatchTheKernel() {
        assertEquals(0, x86_64("read"));
        assertEquals(1, x86_64("write"));
        assertEquals(39, x86_64("getpid"));
        assertEquals(56, x86_64("clone"));
        assertEquals(59, x86_64("execve"));
        assertEquals(83, x86_64("mkdir"));
        assertEquals(165, x86_64("mount"));
        assertEquals(246, x86_64("kexec_load"));
        assertEquals(321, x86_64("bpf"));
        assertEquals(435, x86_64("clone3"));
        assertEquals(462, x86_64("mseal"));
        assertEquals(470, x86_64("listns"));
        assertFalse(SyscallTable.X86_64.number("socketcall").isPresent());
        assertTrue(SyscallTable.X86_64.names().size() > 370);
    }

    @Test
    void numbersAreUniquePerArchitecture() {
        for (SyscallTable t : new SyscallTable[] {SyscallTable.X86_64, SyscallTable.X32, SyscallTable.X86}) {
            Set<Integer> seen = new HashSet<>();
            for (String name : t.names()) {
                assertTrue(seen.add(t.number(name).getAsInt()), t.arch() + " " + name + " shares its number");
            }
        }
    }

    @Test
    void compatTables() {
        assertEquals(3, SyscallTable.X86.number("read").getAsInt());
        assertEquals(11, SyscallTable.X86.number("execve").getAsInt());
        assertEquals(102, SyscallTable.X86.number("socketcall").getAsInt());
        assertEquals(20, SyscallTable.X86.number("getpid").getAsInt());
        assertEquals(SyscallTable.X32_SYSCALL_BIT | 520, SyscallTable.X32.number("execve").getAsInt());
        assertEquals(SyscallTable.X32_SYSCALL_BIT | 39, SyscallTable.X32.number("getpid").getAsInt());
        assertFalse(SyscallTable.X32.number("map_shadow_stack").isPresent());
    }

    @Test
    void namesFromOtherArchitecturesAreKnown() {
        assertTrue(SyscallTable.isKnownAnywhere("arm_fadvise64_64"));
        assertTrue(SyscallTable.isKnownAnywhere("s390_pci_mmio_read"));
        assertTrue(SyscallTable.isKnownAnywhere("socketcall"));
        assertFalse(SyscallTable.isKnownAnywhere("frobnicate"));
        assertTrue(SyscallTable.allKnownNames().contains("read"));
    }
}
