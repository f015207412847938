package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.sys.Syscalls;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
    @Test
    void splitsFlagsPropagationAndData() {
        MountOptions o = MountOptions.parse("/dev", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        assertEquals(Syscalls.MS_NOSUID | (1L << 24), o.flags());
        assertEquals(0, o.propagation());
        assertEquals("mode=755,size=65536k", o.data());
        assertFalse(o.readonlyBind());
    }

    @Test
    void laterOptionWins() {
        MountOptions o = MountOptions.parse("/x", List.of("ro", "rw", "noexec", "exec"));
        assertEquals(0, o.flags());
    }

    @Test
    void readonlyBindNeedsRemount() {
        MountOptions o = MountOptions.parse("/data", List.of("rbind", "ro", "rslave"));
        assertTrue(o.isBind());
        assertTrue(o.readonlyBind());
        assertEquals(Syscalls.MS_SLAVE | Syscalls.MS_REC, o.propagation());
        long remount = o.remountFlags();
        assertEquals(Syscalls.MS_REMOUNT | Syscalls.MS_BIND | Syscalls.MS_RDONLY, remount);
    }

    @Test
    void recursiveAttributesAreRefusedByName() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> MountOptions.parse("/data", List.of("rbind", "rro")));
        assertTrue(e.getMessage().contains("/data") && e.getMessage().contains("\"rro\""), e.getMessage());
    }

    @Test
    void nullOptionsAreNone() {
        MountOptions o = MountOptions.parse("/proc", null);
        assertEquals(0, o.flags());
        assertEquals("", o.data());
    }
}
