package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostLimitsTest {
    private static final String LIMITS = """
            Limit                     Soft Limit           Hard Limit           Units
            Max cpu time              unlimited            unlimited            seconds
            Max processes             95000                95000                processes
            Max open files            1024                 20000                files
            Max locked memory         8388608              8388608              bytes
            """;

    @Test
    void parsesHardLimits() {
        Map<Integer, Long> hard = HostLimits.parseLimits(LIMITS);
        assertEquals(-1L, hard.get(0));
        assertEquals(95000L, hard.get(6));
        assertEquals(20000L, hard.get(7));
    }

    @Test
    void clampsWithoutSysResource() {
        HostLimits h = new HostLimits(false, HostLimits.parseLimits(LIMITS), 0);
        assertEquals(20000L, h.clampLimit(7, 1048576));
        assertEquals(20000L, h.clampLimit(7, -1));
        assertEquals(1024L, h.clampLimit(7, 1024));
        assertEquals(-1L, h.clampLimit(0, -1));
        assertEquals(0, h.clampOomScoreAdj(-998));
        assertEquals(500, h.clampOomScoreAdj(500));
    }

    @Test
    void grantsEverythingWithSysResource() {
        HostLimits h = new HostLimits(true, HostLimits.parseLimits(LIMITS), 0);
        assertEquals(1048576L, h.clampLimit(7, 1048576));
        assertEquals(-998, h.clampOomScoreAdj(-998));
    }
}
