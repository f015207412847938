package io.peapod.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    @Test
    void numbersMatchTheKernelHeader() {
        assertEquals(0, Capabilities.number("CAP_CHOWN"));
        assertEquals(5, Capabilities.number("CAP_KILL"));
        assertEquals(10, Capabilities.number("CAP_NET_BIND_SERVICE"));
        assertEquals(21, Capabilities.number("CAP_SYS_ADMIN"));
        assertEquals(29, Capabilities.number("CAP_AUDIT_WRITE"));
        assertEquals(38, Capabilities.number("CAP_PERFMON"));
        assertEquals(39, Capabilities.number("CAP_BPF"));
        assertEquals(40, Capabilities.number("CAP_CHECKPOINT_RESTORE"));
        assertEquals(40, Capabilities.LAST_CAP);
        assertEquals(41, Capabilities.all().size());
        for (int i = 0; i <= Capabilities.LAST_CAP; i++) {
            assertEquals(i, Capabilities.number(Capabilities.name(i)));
        }
    }

    @Test
    void masks() {
        List<String> caps = List.of("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
        long mask = Capabilities.mask(caps);
        assertEquals((1L << 29) | (1L << 5) | (1L << 10), mask);
        assertEquals(List.of("CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"), Capabilities.names(mask));
        assertEquals(0x1ffffffffffL, Capabilities.fullMask());
        assertEquals(Capabilities.all(), Capabilities.names(-1L));
        assertEquals(0, Capabilities.mask(null));
    }

    @Test
    void unknownNamesAreRejected() {
        assertFalse(Capabilities.isKnown("CAP_FLY"));
        assertTrue(Capabilities.isKnown("CAP_SYSLOG"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Capabilities.number("CAP_FLY"));
        assertEquals("unknown capability \"CAP_FLY\"", e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Capabilities.name(41));
    }

    @Test
    void rlimits() {
        assertEquals(0, Rlimits.number("RLIMIT_CPU"));
        assertEquals(4, Rlimits.number("RLIMIT_CORE"));
        assertEquals(6, Rlimits.number("RLIMIT_NPROC"));
        assertEquals(7, Rlimits.number("RLIMIT_NOFILE"));
        assertEquals(9, Rlimits.number("RLIMIT_AS"));
        assertEquals(15, Rlimits.number("RLIMIT_RTTIME"));
        assertEquals("RLIMIT_MEMLOCK", Rlimits.name(8));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Rlimits.number("RLIMIT_FOO"));
        assertEquals("unknown rlimit type \"RLIMIT_FOO\"", e.getMessage());
    }
}
