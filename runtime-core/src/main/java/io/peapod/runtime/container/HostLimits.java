package io.peapod.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What this process may grant a container, read once from /proc/self: whether it holds
 * CAP_SYS_RESOURCE, its rlimit hard limits and its own oom_score_adj. Without the
 * capability the kernel refuses to raise a hard limit or lower oom_score_adj, so
 * requests are clamped to these values (and the clamping reported) instead of failing.
 */
public final class HostLimits {
    private static final int CAP_SYS_RESOURCE = 24;
    private static final String[] LIMIT_NAMES = {
        "Max cpu time", "Max file size", "Max data size", "Max stack size", "Max core file size",
        "Max resident set", "Max processes", "Max open files", "Max locked memory", "Max address space",
        "Max file locks", "Max pending signals", "Max msgqueue size", "Max nice priority",
        "Max realtime priority", "Max realtime timeout",
    };

    private static volatile HostLimits current;

    private final boolean sysResource;
    private final Map<Integer, Long> hardLimits;
    private final int oomScoreAdj;

    HostLimits(boolean sysResource, Map<Integer, Long> hardLimits, int oomScoreAdj) {
        this.sysResource = sysResource;
        this.hardLimits = hardLimits;
        this.oomScoreAdj = oomScoreAdj;
    }

    public static HostLimits current() {
        HostLimits h = current;
        if (h == null) {
            h = read(Path.of("/proc/self"));
            current = h;
        }
        return h;
    }

    static HostLimits read(Path proc) {
        try {
            boolean cap = false;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("CapEff:")) {
                    long eff = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    cap = (eff & (1L << CAP_SYS_RESOURCE)) != 0;
                }
            }
            return new HostLimits(cap, parseLimits(Files.readString(proc.resolve("limits"))),
                    Integer.parseInt(Files.readString(proc.resolve("oom_score_adj")).trim()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read process limits from " + proc + ": " + e.getMessage(), e);
        }
    }

    static Map<Integer, Long> parseLimits(String limits) {
        Map<Integer, Long> hard = new HashMap<>();
        for (String line : limits.split("\n")) {
            for (int r = 0; r < LIMIT_NAMES.length; r++) {
                if (line.startsWith(LIMIT_NAMES[r] + " ")) {
                    String[] cols = line.substring(LIMIT_NAMES[r].length()).trim().split("\\s+");
                    hard.put(r, cols[1].equals("unlimited") ? -1L : Long.parseLong(cols[1]));
                }
            }
        }
        return hard;
    }

    public boolean hasSysResource() {
        return sysResource;
    }

    /** The highest hard limit this process may set for the resource, -1 for unlimited. */
    public long hardLimit(int resource) {
        return hardLimits.getOrDefault(resource, -1L);
    }

    /** Clamps a requested limit (-1 or unsigned max = unlimited) to what the kernel will accept. */
    public long clampLimit(int resource, long requested) {
        long max = hardLimit(resource);
        if (sysResource || max == -1) {
            return requested;
        }
        if (requested == -1 || Long.compareUnsigned(requested, max) > 0) {
            return max;
        }
        return requested;
    }

    /** The lowest oom_score_adj this process may set. */
    public int clampOomScoreAdj(int requested) {
        if (sysResource || requested >= oomScoreAdj) {
            return requested;
        }
        return oomScoreAdj;
    }
}
