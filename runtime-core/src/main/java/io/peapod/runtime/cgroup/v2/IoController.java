package io.peapod.runtime.cgroup.v2;

import io.peapod.runtime.cgroup.BlkioThrottle;
import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.DeviceRate;
import io.peapod.runtime.cgroup.DeviceWeight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The v2 io controller, fed from the OCI blkio section. */
final class IoController implements Controller {
    @Override
    public Set<String> controllers(CgroupResources r) {
        return Set.of("io");
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasBlkio();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        // io.bfq.weight takes blkio's 1..1000 scale as is; io.weight (io.cost) has 1..10000.
        Path bfq = dir.resolve("io.bfq.weight");
        Path weight = dir.resolve("io.weight");
        if (r.blkioWeight() != null) {
            if (Files.exists(bfq)) {
                CgroupFiles.write(bfq, r.blkioWeight());
            } else if (Files.exists(weight)) {
                CgroupFiles.write(weight, "default " + blkioToIoWeight(r.blkioWeight()));
            } else {
                throw noWeight(dir);
            }
        }
        if (r.blkioWeightDevices() != null) {
            for (DeviceWeight w : r.blkioWeightDevices()) {
                if (Files.exists(bfq)) {
                    CgroupFiles.write(bfq, w.device() + " " + w.weight());
                } else if (Files.exists(weight)) {
                    CgroupFiles.write(weight, w.device() + " " + blkioToIoWeight(w.weight()));
                } else {
                    throw noWeight(dir);
                }
            }
        }
        BlkioThrottle t = r.blkioThrottle();
        if (t != null) {
            for (String line : ioMaxLines(t)) {
                CgroupFiles.write(dir.resolve("io.max"), line);
            }
        }
    }

    private static CgroupException noWeight(Path dir) {
        return new CgroupException("I/O weights cannot be set in " + dir
                + ": neither io.bfq.weight nor io.weight exists (no BFQ scheduler or io.cost)");
    }

    /** Maps blkio weight [10..1000] onto io.weight [1..10000] linearly. */
    static long blkioToIoWeight(long blkioWeight) {
        return 1 + (blkioWeight - 10) * 9999 / 990;
    }

    /** One io.max line per device, e.g. {@code 8:0 rbps=1048576 wiops=max}; a rate of 0 lifts the limit. */
    static List<String> ioMaxLines(BlkioThrottle t) {
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        add(lines, "rbps", t.readBps());
        add(lines, "wbps", t.writeBps());
        add(lines, "riops", t.readIops());
        add(lines, "wiops", t.writeIops());
        return lines.entrySet().stream().map(e -> e.getKey() + e.getValue()).toList();
    }

    private static void add(Map<String, StringBuilder> lines, String key, List<DeviceRate> rates) {
        for (DeviceRate rate : rates) {
            lines.computeIfAbsent(rate.device(), d -> new StringBuilder())
                    .append(' ').append(key).append('=').append(rate.rate() == 0 ? "max" : Long.toString(rate.rate()));
        }
    }
}
