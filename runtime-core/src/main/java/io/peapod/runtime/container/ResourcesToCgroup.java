package io.peapod.runtime.container;

import io.peapod.runtime.cgroup.BlkioThrottle;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.DeviceRate;
import io.peapod.runtime.cgroup.DeviceRule;
import io.peapod.runtime.cgroup.DeviceWeight;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxBlockIo;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxDeviceCgroup;
import io.peapod.runtime.spec.LinuxHugepageLimit;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.LinuxThrottleDevice;
import io.peapod.runtime.spec.LinuxWeightDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OCI {@code linux.resources} as the cgroup managers take them. */
public final class ResourcesToCgroup {
    /** What follows a rule that denies all devices: the default spec's rules after its own "deny all". */
    private static final List<DeviceRule> STANDARD_DEVICES = DefaultSpec.deviceRules().stream()
            .map(ResourcesToCgroup::rule).filter(rule -> !rule.equals(DeviceRule.all(false))).toList();

    private ResourcesToCgroup() {
    }

    public static CgroupResources translate(LinuxResources r) {
        CgroupResources.Builder b = CgroupResources.builder();
        if (r == null) {
            return b.build();
        }
        LinuxMemory m = r.memory;
        if (m != null) {
            b.memoryLimit(m.limit).memoryReservation(m.reservation).memorySwap(m.swap)
                    .memorySwappiness(m.swappiness).disableOomKiller(m.disableOOMKiller);
        }
        LinuxCpu c = r.cpu;
        if (c != null) {
            b.cpuShares(c.shares).cpuQuota(c.quota).cpuPeriod(c.period).cpuBurst(c.burst)
                    .cpuRealtimeRuntime(c.realtimeRuntime).cpuRealtimePeriod(c.realtimePeriod)
                    .cpusetCpus(emptyToNull(c.cpus)).cpusetMems(emptyToNull(c.mems))
                    .cpuIdle(c.idle == null ? null : c.idle != 0);
        }
        if (r.pids != null) {
            b.pidsLimit(r.pids.limit);
        }
        if (r.hugepageLimits != null && !r.hugepageLimits.isEmpty()) {
            Map<String, Long> huge = new LinkedHashMap<>();
            for (LinuxHugepageLimit h : r.hugepageLimits) {
                huge.put(h.pageSize, h.limit);
            }
            b.hugepageLimits(huge);
        }
        LinuxBlockIo io = r.blockIO;
        if (io != null) {
            b.blkioWeight(io.weight);
            if (io.weightDevice != null && !io.weightDevice.isEmpty()) {
                List<DeviceWeight> weights = new ArrayList<>();
                for (LinuxWeightDevice d : io.weightDevice) {
                    if (d.weight != null) {
                        weights.add(new DeviceWeight(d.major, d.minor, d.weight));
                    }
                }
                b.blkioWeightDevices(weights);
            }
            BlkioThrottle throttle = new BlkioThrottle(rates(io.throttleReadBpsDevice),
                    rates(io.throttleWriteBpsDevice), rates(io.throttleReadIOPSDevice),
                    rates(io.throttleWriteIOPSDevice));
            if (!throttle.isEmpty()) {
                b.blkioThrottle(throttle);
            }
        }
        if (r.unified != null && !r.unified.isEmpty()) {
            b.unified(r.unified);
        }
        if (r.devices != null && !r.devices.isEmpty()) {
            b.devices(deviceRules(r.devices));
        }
        return b.build();
    }

    /**
     * The spec's device rules, each rule that denies all devices followed by the standard devices' allow rules
     * ({@link DefaultSpec#deviceRules()} after its own "deny all").
     *
     * <p>Why: runc, crun and youki append those allow rules to every spec's rules, and the specs of podman and
     * other clients count on it: theirs say only "deny all" (plus the devices they add), and a container
     * without /dev/null, /dev/ptmx or mknod of its own nodes does not start. Appended at the end, though, they
     * would override a spec that denies one of them; inserted right after the "deny all" they restore the
     * baseline exactly where a spec removed it, and every later rule of the spec still wins. A spec that does
     * not deny all devices (privileged, or deny-listing) gets nothing added.
     */
    static List<DeviceRule> deviceRules(List<LinuxDeviceCgroup> devices) {
        List<DeviceRule> rules = new ArrayList<>();
        for (LinuxDeviceCgroup d : devices) {
            DeviceRule rule = rule(d);
            rules.add(rule);
            if (rule.equals(DeviceRule.all(false))) {
                rules.addAll(STANDARD_DEVICES);
            }
        }
        return rules;
    }

    private static DeviceRule rule(LinuxDeviceCgroup d) {
        return DeviceRule.fromOci(Boolean.TRUE.equals(d.allow), d.type, d.major, d.minor, d.access);
    }

    private static List<DeviceRate> rates(List<LinuxThrottleDevice> devices) {
        List<DeviceRate> out = new ArrayList<>();
        if (devices != null) {
            for (LinuxThrottleDevice d : devices) {
                out.add(new DeviceRate(d.major, d.minor, d.rate));
            }
        }
        return out;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
