package io.peapod.runtime.cgroup.v1;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupFiles;
import io.peapod.runtime.cgroup.CgroupResources;
import io.peapod.runtime.cgroup.CgroupStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

final class HugetlbController implements Controller {
    private static final Pattern USAGE = Pattern.compile("hugetlb\\.([0-9]+[KMGT]B)\\.usage_in_bytes");

    @Override
    public String name() {
        return "hugetlb";
    }

    @Override
    public boolean needed(CgroupResources r) {
        return r.hasHugetlb();
    }

    @Override
    public void apply(Path dir, CgroupResources r) {
        if (r.hugepageLimits() == null) {
            return;
        }
        r.hugepageLimits().forEach((size, limit) -> {
            Path file = dir.resolve("hugetlb." + size + ".limit_in_bytes");
            if (!Files.exists(file)) {
                throw new CgroupException("hugepage size " + size + " is not supported by this kernel: " + file
                        + " does not exist");
            }
            CgroupFiles.write(file, limit);
        });
    }

    @Override
    public void stats(Path dir, CgroupStats.Builder s) {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = USAGE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    s.hugetlbUsage.put(m.group(1), CgroupFiles.readLong(f));
                }
            });
        } catch (IOException e) {
            throw new CgroupException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
