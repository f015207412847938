package io.peapod.cri.translate;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostMountsTest {

    private static final HostMounts MOUNTS = HostMounts.parse(String.join("\n",
            "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
            "30 27 0:40 / /var/lib/kubelet rw,relatime shared:5 master:2 - ext4 /dev/vdb rw",
            "31 30 0:41 / /var/lib/kubelet/pods rw - tmpfs tmpfs rw",
            "32 27 0:42 / /mnt/with\\040space rw master:9 - tmpfs tmpfs rw",
            "33 27 0:43 / /srv rw shared:3 - tmpfs tmpfs rw",
            "34 27 0:44 / /srv rw - tmpfs tmpfs rw",
            "garbage",
            ""));

    private static HostMounts.Entry of(String path) {
        HostMounts.Entry e = MOUNTS.mountOf(Path.of(path));
        assertNotNull(e, path);
        return e;
    }

    @Test
    void longestMountPointWins() {
        assertEquals("/", of("/etc/passwd").mountPoint());
        assertEquals(HostMounts.Propagation.SHARED, of("/etc").propagation());
        assertEquals("/var/lib/kubelet", of("/var/lib/kubelet/plugins/x").mountPoint());
        assertEquals(HostMounts.Propagation.SHARED, of("/var/lib/kubelet").propagation(), "shared and slave");
        assertEquals(HostMounts.Propagation.PRIVATE, of("/var/lib/kubelet/pods/uid/volumes").propagation());
        assertEquals("/", of("/var/lib/kubeletfoo").mountPoint(), "prefixes are by path component");
    }

    @Test
    void escapesAndStackedMounts() {
        assertEquals(HostMounts.Propagation.SLAVE, of("/mnt/with space/data").propagation());
        assertEquals("/", of("/mnt/with").mountPoint());
        assertEquals(HostMounts.Propagation.PRIVATE, of("/srv/x").propagation(), "the topmost of stacked mounts");
        assertEquals("a b\\c", HostMounts.unescape("a\\040b\\134c"));
        assertEquals("trailing\\04", HostMounts.unescape("trailing\\04"));
    }

    @Test
    void emptyTable() {
        assertNull(HostMounts.parse("").mountOf(Path.of("/x")));
    }

    @Test
    void thisHostsTableParses() {
        assertEquals("/", HostMounts.current().mountOf(Path.of("/")).mountPoint());
    }
}
