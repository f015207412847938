package io.peapod.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DevicePolicyTest {
    private static final int R = DeviceRule.READ;
    private static final int W = DeviceRule.WRITE;
    private static final int M = DeviceRule.MKNOD;
    private static final long ANY = DeviceRule.WILDCARD;

    private static DeviceRule allow(char type, long major, long minor, String access) {
        return new DeviceRule(true, type, major, minor, DeviceRule.parseAccess(access));
    }

    private static DeviceRule deny(char type, long major, long minor, String access) {
        return new DeviceRule(false, type, major, minor, DeviceRule.parseAccess(access));
    }

    @Test
    void ociFieldsWithoutValuesMeanEverything() {
        DeviceRule all = DeviceRule.fromOci(false, null, null, null, null);
        assertEquals(DeviceRule.all(false), all);
        assertEquals("a", all.v1Line());
        assertEquals("c 136:* rwm", DeviceRule.fromOci(true, "c", 136L, null, "").v1Line());
        assertEquals("b *:* m", DeviceRule.fromOci(true, "b", -1L, -1L, "m").v1Line());
        assertEquals("c 1:3 rw", DeviceRule.fromOci(true, "c", 1L, 3L, "wr").v1Line());
        assertEquals("deny c 1:3 w", deny('c', 1, 3, "w").toString());
    }

    @Test
    void invalidRulesAreNamed() {
        assertEquals("device rule type 'x' is invalid (expected a, c or b)",
                assertThrows(IllegalArgumentException.class, () -> DeviceRule.fromOci(true, "x", 1L, 3L, "r"))
                        .getMessage());
        assertEquals("device access 'rx' is not a combination of r, w and m",
                assertThrows(IllegalArgumentException.class, () -> DeviceRule.fromOci(true, "c", 1L, 3L, "rx"))
                        .getMessage());
        assertEquals("device rule major -2 is invalid (0..2147483647 or all)",
                assertThrows(IllegalArgumentException.class, () -> DeviceRule.fromOci(true, "c", -2L, 3L, "r"))
                        .getMessage());
        // the kernel would widen these to every device
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DeviceRule.fromOci(true, "a", 1L, 3L, "rwm"))
                .getMessage().startsWith("device rule for all devices 'allow a 1:3 rwm' cannot name numbers"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRule.fromOci(false, null, null, null, "w"));
    }

    @Test
    void defaultRulesDenyEverythingButTheStandardNodes() {
        DevicePolicy p = DevicePolicy.of(DefaultDeviceRules.RULES);
        assertFalse(p.defaultAllow());
        for (long[] d : new long[][] {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, 0},
            {136, 41}}) {
            assertTrue(p.permits('c', d[0], d[1], R | W), "c " + d[0] + ":" + d[1]);
        }
        assertTrue(p.permits('c', 10, 229, M), "mknod of any character device");
        assertTrue(p.permits('b', 8, 0, M), "mknod of any block device");
        assertFalse(p.permits('c', 10, 229, R), "/dev/fuse");
        assertFalse(p.permits('b', 8, 0, R), "/dev/sda");
        assertFalse(p.permits('c', 1, 1, R), "/dev/mem");
        assertFalse(p.permits('c', 10, 200, R | W), "/dev/net/tun");
    }

    @Test
    void laterRulesForTheSameDeviceWin() {
        DevicePolicy p = DevicePolicy.of(List.of(DeviceRule.all(false), allow('c', 1, 3, "rwm"),
                deny('c', 1, 3, "w")));
        assertTrue(p.permits('c', 1, 3, R));
        assertFalse(p.permits('c', 1, 3, W));
        assertFalse(p.permits('c', 1, 3, R | W), "an open for read and write needs both");
        assertEquals(List.of(allow('c', 1, 3, "rm")), p.exceptionRules());
        DevicePolicy again = DevicePolicy.of(List.of(DeviceRule.all(false), allow('c', 1, 3, "rwm"),
                deny('c', 1, 3, "w"), allow('c', 1, 3, "w")));
        assertTrue(again.permits('c', 1, 3, R | W));
    }

    /** As the v1 kernel: rules are matched per key, so a narrower one cannot punch a hole into a wider one. */
    @Test
    void aNarrowerRuleDoesNotPunchAHoleIntoAWiderOne() {
        DevicePolicy p = DevicePolicy.of(List.of(DeviceRule.all(false), allow('c', ANY, ANY, "rwm"),
                deny('c', 1, 3, "w")));
        assertTrue(p.permits('c', 1, 3, W));
        DevicePolicy q = DevicePolicy.of(List.of(deny('c', 1, 3, "w"), allow('c', ANY, ANY, "rwm")));
        assertFalse(q.permits('c', 1, 3, W));
    }

    @Test
    void allowingPolicyRefusesOnAnySharedAccessBit() {
        DevicePolicy p = DevicePolicy.of(List.of(deny('c', 1, 3, "w")));
        assertTrue(p.defaultAllow());
        assertTrue(p.permits('c', 1, 3, R));
        assertFalse(p.permits('c', 1, 3, R | W));
        assertTrue(p.permits('b', 1, 3, W), "the type is part of the key");
        assertTrue(p.permits('c', 1, 5, W));
    }

    @Test
    void allowingEverythingResetsAndSoDoesDenyingEverything() {
        assertEquals(DevicePolicy.allowAll(), DevicePolicy.of(List.of()));
        assertEquals(DevicePolicy.allowAll(), DevicePolicy.of(List.of(deny('c', 1, 3, "w"), DeviceRule.all(true))));
        DevicePolicy denied = DevicePolicy.of(List.of(allow('c', 1, 3, "w"), DeviceRule.all(false)));
        assertFalse(denied.defaultAllow());
        assertTrue(denied.exceptions().isEmpty());
    }

    @Test
    void sameKeysMergeAndARemovedKeyReturnsAtTheEnd() {
        DevicePolicy p = DevicePolicy.of(List.of(DeviceRule.all(false), allow('c', 1, 3, "r"), allow('c', 1, 5, "r"),
                allow('c', 1, 3, "w"), deny('c', 1, 5, "r"), allow('c', 1, 5, "m")));
        assertEquals(List.of(allow('c', 1, 3, "rw"), allow('c', 1, 5, "m")), p.exceptionRules());
    }

    @Test
    void devicesListParsesBack() {
        DevicePolicy p = DevicePolicy.of(DefaultDeviceRules.RULES);
        StringBuilder list = new StringBuilder();
        p.exceptionRules().forEach(r -> list.append(r.v1Line()).append('\n'));
        assertEquals(p, DevicePolicy.fromV1List(list.toString()));
        assertEquals(DevicePolicy.of(List.of(DeviceRule.all(false))), DevicePolicy.fromV1List(""));
        assertNull(DevicePolicy.fromV1List("a *:* rwm\n"), "an allowing cgroup does not list its denials");
        assertTrue(assertThrows(CgroupException.class, () -> DevicePolicy.fromV1List("c 1:x rwm")).getMessage()
                .startsWith("devices.list line 'c 1:x rwm' is invalid"));
    }
}
