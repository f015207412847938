package io.peapod.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.testing.Root;
import io.peapod.image.testing.TarWriter;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** Ownership, devices, whiteouts and xattrs: needs root (CAP_MKNOD, CAP_CHOWN, trusted.* xattrs). */
@EnabledIf(value = "io.peapod.image.testing.Root#isRoot", disabledReason = "needs root")
class LayerUnpackerIT {
    @TempDir
    Path tmp;

    final Syscalls sys = LinuxSyscalls.get();

    Path unpack(String name, byte[] tar, List<Path> lowers) throws IOException {
        Path target = Files.createDirectory(tmp.resolve(name));
        new LayerUnpacker(sys).unpack(new ByteArrayInputStream(tar), Compression.NONE, target, null, lowers);
        return target;
    }

    @Test
    void ownershipDevicesFifosAndSetuid() throws IOException {
        Path t = unpack("a", new TarWriter()
                .file("suid", 04755, 1234, 5678, "x".getBytes(), Map.of())
                .charDevice("null", 0666, 1, 3)
                .blockDevice("loop9", 0660, 7, 9)
                .fifo("pipe", 0600)
                .toBytes(), List.of());
        assertEquals(1234, Files.getAttribute(t.resolve("suid"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(t.resolve("suid"), "unix:gid"));
        assertEquals(04755, mode(t.resolve("suid")), "setuid survives the chown");
        assertEquals(020666, Files.getAttribute(t.resolve("null"), "unix:mode"));
        assertEquals(Syscalls.makedev(1, 3), ((Long) Files.getAttribute(t.resolve("null"), "unix:rdev")).longValue());
        assertEquals(060660, Files.getAttribute(t.resolve("loop9"), "unix:mode"));
        assertEquals(Syscalls.makedev(7, 9), ((Long) Files.getAttribute(t.resolve("loop9"), "unix:rdev")).longValue());
        assertEquals(010600, Files.getAttribute(t.resolve("pipe"), "unix:mode"));
    }

    @Test
    void whiteoutsAndOpaqueDirectories() throws IOException {
        Path t = unpack("w", new TarWriter()
                .dir("etc/", 0755)
                .whiteout("etc", "passwd")
                .whiteout("", "gone")
                .dir("var/cache/", 0755)
                .opaque("var/cache")
                .opaque("newdir")
                .file(".wh..wh.plnk", 0644, "")
                .toBytes(), List.of());
        Path w = t.resolve("etc/passwd");
        assertEquals(020000, ((Integer) Files.getAttribute(w, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000);
        assertEquals(0L, ((Long) Files.getAttribute(w, "unix:rdev")).longValue());
        assertTrue(Files.exists(t.resolve("gone"), LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(new byte[] {'y'}, sys.lgetxattr(t.resolve("var/cache").toString(), "trusted.overlay.opaque"));
        assertArrayEquals(new byte[] {'y'}, sys.lgetxattr(t.resolve("newdir").toString(), "trusted.overlay.opaque"));
        assertNull(sys.lgetxattr(t.resolve("etc").toString(), "trusted.overlay.opaque"));
        assertTrue(Files.notExists(t.resolve(".wh..wh.plnk")));
        try (var s = Files.list(t.resolve("var/cache"))) {
            assertEquals(0, s.count(), "markers are not files");
        }
    }

    @Test
    void binaryXattrsAreKeptByteForByte() throws IOException {
        // vfs_cap_data v2 with CAP_SETUID (bit 7): contains 0x80, which is not valid UTF-8 alone.
        byte[] cap = {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        byte[] user = {(byte) 0xff, 0x00, (byte) 0xc3, 0x28};
        Path t = unpack("x", new TarWriter()
                .file("bin/ping", 0755, 0, 0, "elf".getBytes(), Map.of("security.capability", cap, "user.blob", user))
                .file("evil", 0644, 0, 0, "x".getBytes(), Map.of("trusted.overlay.redirect", "/etc".getBytes()))
                .toBytes(), List.of());
        assertArrayEquals(cap, sys.lgetxattr(t.resolve("bin/ping").toString(), "security.capability"));
        assertArrayEquals(user, sys.lgetxattr(t.resolve("bin/ping").toString(), "user.blob"));
        assertNull(sys.lgetxattr(t.resolve("evil").toString(), "trusted.overlay.redirect"),
                "layers may not set overlay metadata");
    }

    @Test
    void hardLinkToLowerLayerIsCopiedUp() throws IOException {
        Path lower = unpack("lower", new TarWriter().dir("usr/", 0755).file("usr/bin", 0751, 0, 0,
                "payload".getBytes(), Map.of()).symlink("lnk", "/etc").toBytes(), List.of());
        Path upper = unpack("upper", new TarWriter().hardlink("copy", "usr/bin").toBytes(), List.of(lower));
        assertEquals("payload", Files.readString(upper.resolve("copy")));
        assertEquals(0751, mode(upper.resolve("copy")));
        UnsafeEntryException e = org.junit.jupiter.api.Assertions.assertThrows(UnsafeEntryException.class,
                () -> unpack("upper2", new TarWriter().hardlink("h", "lnk/passwd").toBytes(), List.of(lower)));
        assertEquals("h", e.entry(), "a lower layer's symlink is not followed");
    }

    static int mode(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
    }

}
