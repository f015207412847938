package io.peapod.runtime.cgroup;

import java.util.List;

/** Per-device read/write bandwidth and IOPS limits. Empty lists leave the kernel's values alone. */
public record BlkioThrottle(List<DeviceRate> readBps, List<DeviceRate> writeBps,
                            List<DeviceRate> readIops, List<DeviceRate> writeIops) {
    public BlkioThrottle {
        readBps = List.copyOf(readBps == null ? List.of() : readBps);
        writeBps = List.copyOf(writeBps == null ? List.of() : writeBps);
        readIops = List.copyOf(readIops == null ? List.of() : readIops);
        writeIops = List.copyOf(writeIops == null ? List.of() : writeIops);
    }

    public boolean isEmpty() {
        return readBps.isEmpty() && writeBps.isEmpty() && readIops.isEmpty() && writeIops.isEmpty();
    }
}
