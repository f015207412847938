package io.peapod.runtime.cgroup;

import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of a cgroup's usage. Counters a controller does not provide (not mounted, not enabled) are 0;
 * limits are -1 when unlimited.
 */
public record CgroupStats(
        long cpuUsageNanos,
        long cpuUserNanos,
        long cpuSystemNanos,
        long cpuPeriods,
        long cpuThrottledPeriods,
        long cpuThrottledTimeNanos,
        long memoryUsage,
        long memoryLimit,
        long memoryWorkingSet,
        long memoryRss,
        long memoryCache,
        long pageFaults,
        long majorPageFaults,
        long swapUsage,
        long pidsCurrent,
        long pidsLimit,
        long oomKills,
        Map<String, Long> hugetlbUsage) {

    public CgroupStats {
        hugetlbUsage = Map.copyOf(hugetlbUsage);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Filled in by the controllers of one manager. */
    public static final class Builder {
        public long cpuUsageNanos;
        public long cpuUserNanos;
        public long cpuSystemNanos;
        public long cpuPeriods;
        public long cpuThrottledPeriods;
        public long cpuThrottledTimeNanos;
        public long memoryUsage;
        public long memoryLimit = -1;
        public long memoryWorkingSet;
        public long memoryRss;
        public long memoryCache;
        public long pageFaults;
        public long majorPageFaults;
        public long swapUsage;
        public long pidsCurrent;
        public long pidsLimit = -1;
        public long oomKills;
        public final Map<String, Long> hugetlbUsage = new TreeMap<>();

        private Builder() {
        }

        public CgroupStats build() {
            return new CgroupStats(cpuUsageNanos, cpuUserNanos, cpuSystemNanos, cpuPeriods, cpuThrottledPeriods,
                    cpuThrottledTimeNanos, memoryUsage, memoryLimit, memoryWorkingSet, memoryRss, memoryCache,
                    pageFaults, majorPageFaults, swapUsage, pidsCurrent, pidsLimit, oomKills, hugetlbUsage);
        }
    }
}
