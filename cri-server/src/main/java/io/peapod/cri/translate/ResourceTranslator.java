package io.peapod.cri.translate;

import io.peapod.cri.v1.HugepageLimit;
import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxHugepageLimit;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.LinuxResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.regex.Pattern;

/**
 * CRI {@code LinuxContainerResources} to OCI {@code linux.resources}. In the CRI zero or empty
 * means "not specified": such fields are left out, so the runtime keeps the kernel's default.
 */
public final class ResourceTranslator {

    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+(KB|MB|GB|TB|PB)");

    private ResourceTranslator() {
    }

    /**
     * Fills {@code out} (cpu, memory, hugepages, unified) from {@code r}; owner is named in errors.
     * oom_score_adj is a process setting and is not handled here.
     */
    public static void apply(String owner, LinuxContainerResources r, LinuxResources out) {
        if (r.getCpuPeriod() < 0 || r.getCpuShares() < 0 || r.getMemoryLimitInBytes() < 0) {
            long bad = r.getCpuPeriod() < 0 ? r.getCpuPeriod() : r.getCpuShares() < 0 ? r.getCpuShares()
                    : r.getMemoryLimitInBytes();
            String field = r.getCpuPeriod() < 0 ? "cpu_period" : r.getCpuShares() < 0 ? "cpu_shares"
                    : "memory_limit_in_bytes";
            throw new InvalidArgumentException(owner + ": resources." + field + " " + bad + " is negative");
        }
        if (r.getCpuQuota() < -1) {
            throw new InvalidArgumentException(owner + ": resources.cpu_quota " + r.getCpuQuota()
                    + " is negative (only -1, unlimited, is allowed)");
        }
        if (r.getMemorySwapLimitInBytes() < -1) {
            throw new InvalidArgumentException(owner + ": resources.memory_swap_limit_in_bytes "
                    + r.getMemorySwapLimitInBytes() + " is negative (only -1, unlimited, is allowed)");
        }
        LinuxCpu cpu = new LinuxCpu();
        boolean anyCpu = false;
        if (r.getCpuPeriod() != 0) {
            cpu.period = r.getCpuPeriod();
            anyCpu = true;
        }
        if (r.getCpuQuota() != 0) {
            cpu.quota = r.getCpuQuota();
            anyCpu = true;
        }
        if (r.getCpuShares() != 0) {
            cpu.shares = r.getCpuShares();
            anyCpu = true;
        }
        if (!r.getCpusetCpus().isEmpty()) {
            cpu.cpus = r.getCpusetCpus();
            anyCpu = true;
        }
        if (!r.getCpusetMems().isEmpty()) {
            cpu.mems = r.getCpusetMems();
            anyCpu = true;
        }
        if (anyCpu) {
            out.cpu = cpu;
        }
        if (r.getMemoryLimitInBytes() != 0 || r.getMemorySwapLimitInBytes() != 0) {
            LinuxMemory mem = new LinuxMemory();
            if (r.getMemoryLimitInBytes() != 0) {
                mem.limit = r.getMemoryLimitInBytes();
            }
            if (r.getMemorySwapLimitInBytes() != 0) {
                if (r.getMemoryLimitInBytes() > 0 && r.getMemorySwapLimitInBytes() > 0
                        && r.getMemorySwapLimitInBytes() < r.getMemoryLimitInBytes()) {
                    throw new InvalidArgumentException(owner + ": resources.memory_swap_limit_in_bytes "
                            + r.getMemorySwapLimitInBytes() + " (memory plus swap) is below memory_limit_in_bytes "
                            + r.getMemoryLimitInBytes());
                }
                mem.swap = r.getMemorySwapLimitInBytes();
            }
            out.memory = mem;
        }
        if (r.getHugepageLimitsCount() > 0) {
            out.hugepageLimits = new ArrayList<>();
            for (HugepageLimit h : r.getHugepageLimitsList()) {
                if (!PAGE_SIZE.matcher(h.getPageSize()).matches()) {
                    throw new InvalidArgumentException(owner + ": hugepage page size \"" + h.getPageSize()
                            + "\" is not like \"2MB\" or \"1GB\"");
                }
                LinuxHugepageLimit l = new LinuxHugepageLimit();
                l.pageSize = h.getPageSize();
                l.limit = h.getLimit();
                out.hugepageLimits.add(l);
            }
        }
        if (r.getUnifiedCount() > 0) {
            out.unified = new LinkedHashMap<>();
            for (var e : r.getUnifiedMap().entrySet()) {
                String key = e.getKey();
                if (key.isEmpty() || key.contains("/") || key.equals(".") || key.equals("..")) {
                    throw new InvalidArgumentException(owner + ": unified cgroup key \"" + key
                            + "\" is not a plain cgroup file name");
                }
                out.unified.put(key, e.getValue());
            }
        }
    }

    /** Whether the message sets anything (all zero/empty means "nothing specified"). */
    public static boolean isSet(LinuxContainerResources r) {
        return !r.equals(LinuxContainerResources.getDefaultInstance());
    }
}
