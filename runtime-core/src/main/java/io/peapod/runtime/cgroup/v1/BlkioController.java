package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.BlkioThrottle;
import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.DeviceRate;
import io.peapod.runtime.cgroup.DeviceWeight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

final class BlkioController implements Controller {
    @Override
    public String name() {
        return "blkio";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasBlkio();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.blkioWeight() != null) {
            CgroupFiles.write(weightFile(dir, "blkio.weight", "blkio.bfq.weight"), r.blkioWeight());
        }
        if (r.blkioWeightDevices() != null && !r.blkioWeightDevices().isEmpty()) {
            Path file = weightFile(dir, "blkio.weight_device", "blkio.bfq.weight_device");
            for (DeviceWeight w : r.blkioWeightDevices()) {
                CgroupFiles.write(file, w.device() + " " + w.weight());
            }
        }
        BlkioThrottle t = r.blkioThrottle();
        if (t != null) {
            throttle(dir.resolve("blkio.throttle.read_bps_device"), t.readBps());
            throttle(dir.resolve("blkio.throttle.write_bps_device"), t.writeBps());
            throttle(dir.resolve("blkio.throttle.read_iops_device"), t.readIops());
            throttle(dir.resolve("blkio.throttle.write_iops_device"), t.writeIops());
        }
    }

    /** CFQ's files, or BFQ's on kernels that only have BFQ; neither exists without a proportional scheduler. */
    private static Path weightFile(Path dir, String cfq, String bfq) {
        if (Files.exists(dir.resolve(cfq))) {
            return dir.resolve(cfq);
        }
        if (Files.exists(dir.resolve(bfq))) {
            return dir.resolve(bfq);
        }
        throw new CgroupException("blkio weights cannot be set in " + dir + ": neither " + cfq + " nor " + bfq
                + " exists (no proportional I/O scheduler such as BFQ is active)");
    }

    private static void throttle(Path file, List<DeviceRate> rates) {
        for (DeviceRate rate : rates) {
            CgroupFiles.write(file, rate.device() + " " + rate.rate());
        }
    }
}
