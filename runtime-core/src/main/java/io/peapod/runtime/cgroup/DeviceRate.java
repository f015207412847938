package io.peapod.runtime.cgroup;

/** An I/O throttle (bytes or operations per second) for one block device, addressed by {@code major:minor}. */
public record DeviceRate(long major, long minor, long rate) {
    public DeviceRate {
        CgroupResources.checkDevice(major, minor);
        if (rate < 0) {
            throw new IllegalArgumentException("blkio throttle rate " + rate + " for device " + major + ":" + minor
                    + " is invalid (must be >= 0, 0 removes the limit)");
        }
    }

    public String device() {
        return major + ":" + minor;
    }
}
