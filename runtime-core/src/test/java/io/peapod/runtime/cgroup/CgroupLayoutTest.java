package io.peapod.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {
    static final String UNIFIED = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
            30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
            """;

    static final String HYBRID = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            25 24 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
            27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
            30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
            32 25 0:30 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids
            """;

    /** This machine: cpu and cpuacct mounted separately, no hugetlb, no net_cls. */
    static final String THIS_MACHINE_HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
            37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
            38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
            39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    static final String LEGACY = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            25 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:9 - tmpfs tmpfs rw,mode=755
            27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd
            30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
            33 25 0:31 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,net_cls,net_prio
            """;

    @Test
    void detectsTheThreeLayoutsFromMountinfo() {
        assertEquals(CgroupLayout.UNIFIED, CgroupLayout.fromMountinfo(UNIFIED));
        assertEquals(CgroupLayout.HYBRID, CgroupLayout.fromMountinfo(HYBRID));
        assertEquals(CgroupLayout.HYBRID, CgroupLayout.fromMountinfo(THIS_MACHINE_HYBRID));
        assertEquals(CgroupLayout.LEGACY, CgroupLayout.fromMountinfo(LEGACY));
    }

    @Test
    void mountinfoAndDirectoryDetectionAgreeOnThisMachine() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(CgroupLayout.DEFAULT_ROOT),
                "no " + CgroupLayout.DEFAULT_ROOT + " here");
        assertEquals(CgroupLayout.detect(CgroupLayout.DEFAULT_ROOT), CgroupLayout.detect());
        assertEquals(CgroupLayout.detect(), CgroupManagers.layout());
    }

    @Test
    void noCgroupMountIsAnError() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> CgroupLayout.fromMountinfo("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"));
        assertTrue(e.getMessage().contains("no cgroup filesystem is mounted"));
    }

    @Test
    void malformedMountinfoIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> CgroupLayout.fromMountinfo("22 1 8:1 / /\n"));
    }

    @Test
    void parsesControllersAndNamedHierarchies() {
        List<CgroupMount> mounts = CgroupMount.parseMountinfo(LEGACY);
        assertEquals(4, mounts.size());
        assertEquals(new CgroupMount(Path.of("/sys/fs/cgroup/systemd"), "/", false, Set.of("name=systemd")),
                mounts.get(0));
        assertEquals(Set.of("cpu", "cpuacct"), mounts.get(1).controllers());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), mounts.get(1).mountPoint());
        assertEquals(Set.of("net_cls", "net_prio"), mounts.get(3).controllers());
        CgroupMount v2 = CgroupMount.parseMountinfo(UNIFIED).get(0);
        assertTrue(v2.v2());
        assertEquals(Set.of(), v2.controllers());
    }

    @Test
    void unescapesOctalInMountPoints() {
        List<CgroupMount> mounts = CgroupMount.parseMountinfo(
                "30 24 0:26 / /mnt/my\\040cgroup rw shared:9 - cgroup2 cgroup2 rw\n");
        assertEquals(Path.of("/mnt/my cgroup"), mounts.get(0).mountPoint());
        assertEquals(CgroupLayout.UNIFIED, CgroupLayout.fromMounts(mounts));
    }

    @Test
    void detectsLayoutOfADirectoryLaidOutLikeCgroupfs(@TempDir Path tmp) {
        FakeCgroupFs v2 = new FakeCgroupFs(tmp.resolve("v2")).file("cgroup.controllers", "cpu memory");
        FakeCgroupFs hybrid = new FakeCgroupFs(tmp.resolve("hybrid")).dir("memory").file("unified/cgroup.controllers", "");
        FakeCgroupFs legacy = new FakeCgroupFs(tmp.resolve("legacy")).dir("memory").dir("cpu");
        assertEquals(CgroupLayout.UNIFIED, CgroupLayout.detect(v2.root()));
        assertEquals(CgroupLayout.HYBRID, CgroupLayout.detect(hybrid.root()));
        assertEquals(CgroupLayout.LEGACY, CgroupLayout.detect(legacy.root()));
    }
}
