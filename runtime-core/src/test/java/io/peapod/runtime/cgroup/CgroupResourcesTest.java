package io.peapod.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CgroupResourcesTest {
    private static String error(UnaryOperator<CgroupResources.Builder> setup) {
        return assertThrows(IllegalArgumentException.class, () -> setup.apply(CgroupResources.builder()).build())
                .getMessage();
    }

    @Test
    void invalidValuesAreNamedInTheMessage() {
        assertTrue(error(b -> b.cpuQuota(-5L)).startsWith("cpu quota -5 is invalid"));
        assertTrue(error(b -> b.cpuPeriod(100L)).startsWith("cpu period 100 is invalid"));
        assertTrue(error(b -> b.cpuShares(1L)).startsWith("cpu shares 1 is invalid"));
        assertTrue(error(b -> b.memoryLimit(0L)).startsWith("memory limit 0 is invalid"));
        assertTrue(error(b -> b.memorySwappiness(101L)).startsWith("memory swappiness 101 is invalid"));
        assertEquals("memory swap 100 is lower than memory limit 200 (swap is the total of memory and swap)",
                error(b -> b.memoryLimit(200L).memorySwap(100L)));
        assertTrue(error(b -> b.pidsLimit(0L)).startsWith("pids limit 0 is invalid"));
        assertTrue(error(b -> b.cpusetCpus("0-a")).startsWith("cpuset cpus '0-a' is invalid"));
        assertTrue(error(b -> b.cpusetMems("")).startsWith("cpuset mems '' is invalid"));
        assertTrue(error(b -> b.hugepageLimits(Map.of("2M", 1L))).startsWith("hugepage size '2M' is invalid"));
        assertTrue(error(b -> b.blkioWeight(5)).startsWith("blkio weight 5 is invalid"));
        assertTrue(error(b -> b.unified(Map.of("../memory.max", "1"))).startsWith("unified cgroup key '../memory.max'"));
        assertTrue(error(b -> b.unified(Map.of("a/memory.max", "1"))).startsWith("unified cgroup key 'a/memory.max'"));
        assertTrue(error(b -> b.unified(Map.of("memory", "1"))).startsWith("unified cgroup key 'memory'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DeviceWeight(8, 0, 5000))
                .getMessage().startsWith("blkio weight 5000 for device 8:0 is invalid"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DeviceRate(8, 0, -1))
                .getMessage().startsWith("blkio throttle rate -1 for device 8:0 is invalid"));
    }

    @Test
    void unlimitedSpellingsAreAccepted() {
        CgroupResources r = CgroupResources.builder().memoryLimit(-1L).memorySwap(-1L).cpuQuota(-1L)
                .pidsLimit(-1L).cpusetCpus("0-3,5").cpusetMems("0").build();
        assertEquals(-1L, r.memorySwap());
        assertTrue(r.hasMemory());
        assertTrue(r.hasCpu());
        assertTrue(r.hasCpuset());
        assertFalse(r.hasBlkio());
        assertFalse(CgroupResources.none().hasMemory());
    }

    @Test
    void collectionsAreCopied() {
        java.util.HashMap<String, Long> pages = new java.util.HashMap<>(Map.of("2MB", 4L << 20));
        CgroupResources r = CgroupResources.builder().hugepageLimits(pages)
                .blkioThrottle(new BlkioThrottle(List.of(new DeviceRate(8, 0, 10)), null, null, null)).build();
        pages.put("1GB", 1L);
        assertEquals(Map.of("2MB", 4L << 20), r.hugepageLimits());
        assertTrue(r.hasBlkio());
        assertEquals(r, r.toBuilder().build());
        assertEquals(r.hashCode(), r.toBuilder().build().hashCode());
    }

    @Test
    void valueSemanticsAndReadableToString() {
        CgroupResources a = CgroupResources.builder().memoryLimit(1024L).pidsLimit(5L).build();
        assertEquals(a, CgroupResources.builder().pidsLimit(5L).memoryLimit(1024L).build());
        assertFalse(a.equals(CgroupResources.builder().memoryLimit(1024L).build()));
        assertEquals("CgroupResources{memoryLimit=1024, pidsLimit=5}", a.toString());
        assertEquals("CgroupResources{}", CgroupResources.none().toString());
    }
}
