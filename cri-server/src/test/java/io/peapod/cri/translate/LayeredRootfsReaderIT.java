package io.peapod.cri.translate;

import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Overlay whiteouts (0/0 character devices) and trusted.overlay.opaque, as the image store's
 * unpacker writes them; both need root (CAP_MKNOD, CAP_SYS_ADMIN).
 */
@EnabledIf("isRoot")
class LayeredRootfsReaderIT {

    @TempDir
    Path tmp;
    Path upper;
    Path lower;

    static boolean isRoot() {
        return LinuxSyscalls.get().geteuid() == 0;
    }

    @BeforeEach
    void layers() throws IOException {
        upper = Files.createDirectories(tmp.resolve("upper"));
        lower = Files.createDirectories(tmp.resolve("lower"));
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/passwd"), "lower");
        Files.writeString(lower.resolve("etc/group"), "lower group");
        Files.createDirectories(upper.resolve("etc"));
    }

    private static void whiteout(Path p) {
        LinuxSyscalls.get().mknod(p.toString(), Syscalls.S_IFCHR, 0);
    }

    private LayeredRootfsReader reader() {
        return new LayeredRootfsReader(List.of(upper, lower));
    }

    @Test
    void whiteoutHidesTheLowerFile() {
        whiteout(upper.resolve("etc/passwd"));
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
        assertEquals(Optional.of("lower group"), reader().read("/etc/group"));
    }

    @Test
    void whiteoutOfADirectoryHidesEverythingUnderIt() throws IOException {
        Files.delete(upper.resolve("etc"));
        whiteout(upper.resolve("etc"));
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
    }

    @Test
    void deviceNodesAreNotReadAsFiles() {
        // /dev/null's numbers (1, 3): a device node, not a whiteout, and not a readable file.
        LinuxSyscalls.get().mknod(upper.resolve("etc/passwd").toString(), Syscalls.S_IFCHR, (1 << 8) | 3);
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
        assertEquals(Optional.of("lower group"), reader().read("/etc/group"));
    }

    @Test
    void trustedOpaqueDirectoryHidesLowerContent() throws IOException {
        LinuxSyscalls.get().lsetxattr(upper.resolve("etc").toString(), "trusted.overlay.opaque",
                "y".getBytes(StandardCharsets.UTF_8));
        Files.writeString(upper.resolve("etc/group"), "upper group");
        assertEquals(Optional.empty(), reader().read("/etc/passwd"));
        assertEquals(Optional.of("upper group"), reader().read("/etc/group"));
    }
}
