package io.peapod.runtime.cgroup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The resource limits of one cgroup, in OCI runtime-spec terms ({@code linux.resources}). Every field is
 * nullable: {@code null} means "leave the kernel's value alone" both on create and on update.
 * Values are validated when built; {@code -1} means unlimited where the OCI spec allows it.
 */
public final class CgroupResources {
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB|TB)");
    private static final CgroupResources EMPTY = builder().build();

    private final Long memoryLimit;
    private final Long memoryReservation;
    private final Long memorySwap;
    private final Long memorySwappiness;
    private final Boolean disableOomKiller;
    private final Long cpuShares;
    private final Long cpuQuota;
    private final Long cpuPeriod;
    private final Long cpuBurst;
    private final Long cpuRealtimeRuntime;
    private final Long cpuRealtimePeriod;
    private final String cpusetCpus;
    private final String cpusetMems;
    private final Boolean cpuIdle;
    private final Long pidsLimit;
    private final Map<String, Long> hugepageLimits;
    private final Integer blkioWeight;
    private final List<DeviceWeight> blkioWeightDevices;
    private final BlkioThrottle blkioThrottle;
    private final Map<String, String> unified;
    private final List<DeviceRule> devices;

    private CgroupResources(Builder b) {
        memoryLimit = b.memoryLimit;
        memoryReservation = b.memoryReservation;
        memorySwap = b.memorySwap;
        memorySwappiness = b.memorySwappiness;
        disableOomKiller = b.disableOomKiller;
        cpuShares = b.cpuShares;
        cpuQuota = b.cpuQuota;
        cpuPeriod = b.cpuPeriod;
        cpuBurst = b.cpuBurst;
        cpuRealtimeRuntime = b.cpuRealtimeRuntime;
        cpuRealtimePeriod = b.cpuRealtimePeriod;
        cpusetCpus = b.cpusetCpus;
        cpusetMems = b.cpusetMems;
        cpuIdle = b.cpuIdle;
        pidsLimit = b.pidsLimit;
        hugepageLimits = b.hugepageLimits == null ? null
                : Collections.unmodifiableMap(new LinkedHashMap<>(b.hugepageLimits));
        blkioWeight = b.blkioWeight;
        blkioWeightDevices = b.blkioWeightDevices == null ? null : List.copyOf(b.blkioWeightDevices);
        blkioThrottle = b.blkioThrottle;
        unified = b.unified == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.unified));
        devices = b.devices == null ? null : List.copyOf(b.devices);
        validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No limits at all: create() only creates the cgroup. */
    public static CgroupResources none() {
        return EMPTY;
    }

    private void validate() {
        if (memoryLimit != null && memoryLimit != -1 && memoryLimit <= 0) {
            throw invalid("memory limit " + memoryLimit + " is invalid (must be > 0 or -1 for unlimited)");
        }
        if (memoryReservation != null && memoryReservation != -1 && memoryReservation < 0) {
            throw invalid("memory reservation " + memoryReservation + " is invalid (must be >= 0 or -1)");
        }
        if (memorySwap != null) {
            if (memorySwap != -1 && memorySwap <= 0) {
                throw invalid("memory swap " + memorySwap + " is invalid (must be > 0 or -1 for unlimited)");
            }
            if (memorySwap != -1 && memoryLimit != null && memoryLimit != -1 && memorySwap < memoryLimit) {
                throw invalid("memory swap " + memorySwap + " is lower than memory limit " + memoryLimit
                        + " (swap is the total of memory and swap)");
            }
        }
        if (memorySwappiness != null && (memorySwappiness < 0 || memorySwappiness > 100)) {
            throw invalid("memory swappiness " + memorySwappiness + " is invalid (must be 0..100)");
        }
        if (cpuShares != null && (cpuShares < 2 || cpuShares > 262144)) {
            throw invalid("cpu shares " + cpuShares + " is invalid (must be 2..262144)");
        }
        if (cpuQuota != null && cpuQuota != -1 && cpuQuota < 1000) {
            throw invalid("cpu quota " + cpuQuota + " is invalid (must be >= 1000 microseconds or -1 for unlimited)");
        }
        if (cpuPeriod != null && (cpuPeriod < 1000 || cpuPeriod > 1_000_000)) {
            throw invalid("cpu period " + cpuPeriod + " is invalid (must be 1000..1000000 microseconds)");
        }
        if (cpuBurst != null && cpuBurst < 0) {
            throw invalid("cpu burst " + cpuBurst + " is invalid (must be >= 0)");
        }
        if (cpuRealtimeRuntime != null && cpuRealtimeRuntime < -1) {
            throw invalid("cpu realtime runtime " + cpuRealtimeRuntime + " is invalid (must be >= 0 or -1)");
        }
        if (cpuRealtimePeriod != null && cpuRealtimePeriod <= 0) {
            throw invalid("cpu realtime period " + cpuRealtimePeriod + " is invalid (must be > 0)");
        }
        if (cpusetCpus != null && !CPU_LIST.matcher(cpusetCpus).matches()) {
            throw invalid("cpuset cpus '" + cpusetCpus + "' is invalid (expected a list like 0-3,5)");
        }
        if (cpusetMems != null && !CPU_LIST.matcher(cpusetMems).matches()) {
            throw invalid("cpuset mems '" + cpusetMems + "' is invalid (expected a list like 0-1)");
        }
        if (pidsLimit != null && pidsLimit != -1 && pidsLimit <= 0) {
            throw invalid("pids limit " + pidsLimit + " is invalid (must be > 0 or -1 for unlimited)");
        }
        if (hugepageLimits != null) {
            hugepageLimits.forEach((size, limit) -> {
                if (size == null || !PAGE_SIZE.matcher(size).matches()) {
                    throw invalid("hugepage size '" + size + "' is invalid (expected e.g. 2MB or 1GB)");
                }
                if (limit == null || (limit < 0 && limit != -1)) {
                    throw invalid("hugepage limit " + limit + " for " + size + " is invalid (must be >= 0 or -1)");
                }
            });
        }
        if (blkioWeight != null && (blkioWeight < 10 || blkioWeight > 1000)) {
            throw invalid("blkio weight " + blkioWeight + " is invalid (must be 10..1000)");
        }
        if (unified != null) {
            unified.forEach((key, value) -> {
                if (key == null || key.isEmpty() || key.contains("/") || key.contains("..") || !key.contains(".")) {
                    throw invalid("unified cgroup key '" + key + "' is invalid (must be a file name like memory.high)");
                }
                if (value == null) {
                    throw invalid("unified cgroup key '" + key + "' has no value");
                }
            });
        }
    }

    static void checkDevice(long major, long minor) {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("device " + major + ":" + minor + " is invalid");
        }
    }

    private static IllegalArgumentException invalid(String message) {
        return new IllegalArgumentException(message);
    }

    public Long memoryLimit() { return memoryLimit; }
    public Long memoryReservation() { return memoryReservation; }
    /** Memory plus swap (OCI semantics); -1 unlimited. */
    public Long memorySwap() { return memorySwap; }
    public Long memorySwappiness() { return memorySwappiness; }
    public Boolean disableOomKiller() { return disableOomKiller; }
    public Long cpuShares() { return cpuShares; }
    /** Microseconds per period; -1 unlimited. */
    public Long cpuQuota() { return cpuQuota; }
    public Long cpuPeriod() { return cpuPeriod; }
    public Long cpuBurst() { return cpuBurst; }
    public Long cpuRealtimeRuntime() { return cpuRealtimeRuntime; }
    public Long cpuRealtimePeriod() { return cpuRealtimePeriod; }
    public String cpusetCpus() { return cpusetCpus; }
    public String cpusetMems() { return cpusetMems; }
    public Boolean cpuIdle() { return cpuIdle; }
    public Long pidsLimit() { return pidsLimit; }
    /** Page size as the kernel names it ("2MB", "1GB") to a limit in bytes. */
    public Map<String, Long> hugepageLimits() { return hugepageLimits; }
    public Integer blkioWeight() { return blkioWeight; }
    public List<DeviceWeight> blkioWeightDevices() { return blkioWeightDevices; }
    public BlkioThrottle blkioThrottle() { return blkioThrottle; }
    /** Raw cgroup v2 files and their contents, written last, verbatim. */
    public Map<String, String> unified() { return unified; }
    /**
     * Device rules in spec order ({@link DevicePolicy} says what they mean); replaces the cgroup's device
     * policy as a whole. {@code null} leaves it alone.
     */
    public List<DeviceRule> devices() { return devices; }

    public boolean hasMemory() {
        return memoryLimit != null || memoryReservation != null || memorySwap != null
                || memorySwappiness != null || disableOomKiller != null;
    }

    public boolean hasCpu() {
        return cpuShares != null || cpuQuota != null || cpuPeriod != null || cpuBurst != null
                || cpuRealtimeRuntime != null || cpuRealtimePeriod != null || cpuIdle != null;
    }

    public boolean hasCpuset() {
        return cpusetCpus != null || cpusetMems != null;
    }

    public boolean hasHugetlb() {
        return hugepageLimits != null && !hugepageLimits.isEmpty();
    }

    public boolean hasBlkio() {
        return blkioWeight != null || (blkioWeightDevices != null && !blkioWeightDevices.isEmpty())
                || (blkioThrottle != null && !blkioThrottle.isEmpty());
    }

    public boolean hasUnified() {
        return unified != null && !unified.isEmpty();
    }

    public boolean hasDevices() {
        return devices != null;
    }

    /** The non-null fields by name, in declaration order. */
    private Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("memoryLimit", memoryLimit);
        fields.put("memoryReservation", memoryReservation);
        fields.put("memorySwap", memorySwap);
        fields.put("memorySwappiness", memorySwappiness);
        fields.put("disableOomKiller", disableOomKiller);
        fields.put("cpuShares", cpuShares);
        fields.put("cpuQuota", cpuQuota);
        fields.put("cpuPeriod", cpuPeriod);
        fields.put("cpuBurst", cpuBurst);
        fields.put("cpuRealtimeRuntime", cpuRealtimeRuntime);
        fields.put("cpuRealtimePeriod", cpuRealtimePeriod);
        fields.put("cpusetCpus", cpusetCpus);
        fields.put("cpusetMems", cpusetMems);
        fields.put("cpuIdle", cpuIdle);
        fields.put("pidsLimit", pidsLimit);
        fields.put("hugepageLimits", hugepageLimits);
        fields.put("blkioWeight", blkioWeight);
        fields.put("blkioWeightDevices", blkioWeightDevices);
        fields.put("blkioThrottle", blkioThrottle);
        fields.put("unified", unified);
        fields.put("devices", devices);
        fields.values().removeIf(java.util.Objects::isNull);
        return fields;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CgroupResources other && fields().equals(other.fields());
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        return "CgroupResources" + fields();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.memoryLimit = memoryLimit;
        b.memoryReservation = memoryReservation;
        b.memorySwap = memorySwap;
        b.memorySwappiness = memorySwappiness;
        b.disableOomKiller = disableOomKiller;
        b.cpuShares = cpuShares;
        b.cpuQuota = cpuQuota;
        b.cpuPeriod = cpuPeriod;
        b.cpuBurst = cpuBurst;
        b.cpuRealtimeRuntime = cpuRealtimeRuntime;
        b.cpuRealtimePeriod = cpuRealtimePeriod;
        b.cpusetCpus = cpusetCpus;
        b.cpusetMems = cpusetMems;
        b.cpuIdle = cpuIdle;
        b.pidsLimit = pidsLimit;
        b.hugepageLimits = hugepageLimits;
        b.blkioWeight = blkioWeight;
        b.blkioWeightDevices = blkioWeightDevices;
        b.blkioThrottle = blkioThrottle;
        b.unified = unified;
        b.devices = devices;
        return b;
    }

    /** Builder; {@link #build()} validates and throws {@link IllegalArgumentException} naming the bad value. */
    public static final class Builder {
        private Long memoryLimit;
        private Long memoryReservation;
        private Long memorySwap;
        private Long memorySwappiness;
        private Boolean disableOomKiller;
        private Long cpuShares;
        private Long cpuQuota;
        private Long cpuPeriod;
        private Long cpuBurst;
        private Long cpuRealtimeRuntime;
        private Long cpuRealtimePeriod;
        private String cpusetCpus;
        private String cpusetMems;
        private Boolean cpuIdle;
        private Long pidsLimit;
        private Map<String, Long> hugepageLimits;
        private Integer blkioWeight;
        private List<DeviceWeight> blkioWeightDevices;
        private BlkioThrottle blkioThrottle;
        private Map<String, String> unified;
        private List<DeviceRule> devices;

        private Builder() {
        }

        public Builder memoryLimit(Long v) { memoryLimit = v; return this; }
        public Builder memoryReservation(Long v) { memoryReservation = v; return this; }
        public Builder memorySwap(Long v) { memorySwap = v; return this; }
        public Builder memorySwappiness(Long v) { memorySwappiness = v; return this; }
        public Builder disableOomKiller(Boolean v) { disableOomKiller = v; return this; }
        public Builder cpuShares(Long v) { cpuShares = v; return this; }
        public Builder cpuQuota(Long v) { cpuQuota = v; return this; }
        public Builder cpuPeriod(Long v) { cpuPeriod = v; return this; }
        public Builder cpuBurst(Long v) { cpuBurst = v; return this; }
        public Builder cpuRealtimeRuntime(Long v) { cpuRealtimeRuntime = v; return this; }
        public Builder cpuRealtimePeriod(Long v) { cpuRealtimePeriod = v; return this; }
        public Builder cpusetCpus(String v) { cpusetCpus = v; return this; }
        public Builder cpusetMems(String v) { cpusetMems = v; return this; }
        public Builder cpuIdle(Boolean v) { cpuIdle = v; return this; }
        public Builder pidsLimit(Long v) { pidsLimit = v; return this; }
        public Builder hugepageLimits(Map<String, Long> v) { hugepageLimits = v; return this; }
        public Builder blkioWeight(Integer v) { blkioWeight = v; return this; }
        public Builder blkioWeightDevices(List<DeviceWeight> v) { blkioWeightDevices = v; return this; }
        public Builder blkioThrottle(BlkioThrottle v) { blkioThrottle = v; return this; }
        public Builder unified(Map<String, String> v) { unified = v; return this; }
        public Builder devices(List<DeviceRule> v) { devices = v; return this; }

        public CgroupResources build() {
            return new CgroupResources(this);
        }
    }
}
