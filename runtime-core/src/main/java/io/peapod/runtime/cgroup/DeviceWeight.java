package io.peapod.runtime.cgroup;

/** A proportional I/O weight for one block device, addressed by {@code major:minor}. */
public record DeviceWeight(long major, long minor, int weight) {
    public DeviceWeight {
        CgroupResources.checkDevice(major, minor);
        if (weight < 10 || weight > 1000) {
            throw new IllegalArgumentException("blkio weight " + weight + " for device " + major + ":" + minor
                    + " is invalid (must be 10..1000)");
        }
    }

    public String device() {
        return major + ":" + minor;
    }
}
