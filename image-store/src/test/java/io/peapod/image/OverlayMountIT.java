package io.peapod.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.registry.RegistryClient;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.image.snapshot.Mount;
import io.peapod.image.snapshot.OverlaySnapshotter;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageStore;
import io.peapod.image.testing.TarWriter;
import io.peapod.image.testing.TestImages;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** Unpacks busybox images into snapshots and mounts the returned overlay: needs root. */
@EnabledIf(value = "io.peapod.image.testing.Root#isRoot", disabledReason = "needs root (mknod, trusted xattrs, mount)")
class OverlayMountIT {
    @TempDir
    Path tmp;

    final Syscalls sys = LinuxSyscalls.get();

    ImageService service(Path content, Path snapshots) {
        return new ImageService(new LocalContentStore(content), new OverlaySnapshotter(snapshots),
                new ImageStore(tmp.resolve("images")), new RegistryClient(new RegistryConfig()), sys,
                Platform.LINUX_AMD64, id -> false, tmp.resolve("work"));
    }

    void mount(Mount m, Path target) throws IOException, InterruptedException {
        if (m.workingDirectory() == null) {
            sys.mount(m.source(), target.toString(), m.type(), 0, m.data());
            return;
        }
        // The Mount contract: relative lowerdirs resolve against the working directory.
        Process p = new ProcessBuilder("mount", "-t", m.type(), m.source(), "-o", m.data(), target.toString())
                .directory(m.workingDirectory().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "mount(8) failed: " + out);
    }

    void unmount(Path target) {
        try {
            sys.umount2(target.toString(), 0);
        } catch (RuntimeException e) {
            sys.umount2(target.toString(), Syscalls.MNT_DETACH);
        }
    }

    @Test
    void mergedTreeHonoursWhiteoutsAndOpaqueDirectories() throws Exception {
        ImageService s = service(tmp.resolve("content"), tmp.resolve("snapshots"));
        TestImages.Built b = TestImages.build(s.content(), TestImages.busyboxLayers(), Platform.LINUX_AMD64);
        new ImageStore(tmp.resolve("images")).put("localhost/busybox:test", b.target());
        List<Mount> mounts = s.rootfsMounts("localhost/busybox:test", "ctr-1");
        assertEquals(1, mounts.size());
        Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        mount(mounts.get(0), rootfs);
        try {
            assertTrue(Files.isRegularFile(rootfs.resolve("bin/busybox")));
            assertEquals("busybox", Files.readSymbolicLink(rootfs.resolve("bin/sh")).toString());
            assertFalse(Files.exists(rootfs.resolve("deleteme"), LinkOption.NOFOLLOW_LINKS), "whiteout hides the file");
            try (Stream<Path> ls = Files.list(rootfs.resolve("var/cache"))) {
                assertEquals(List.of("new"), ls.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()),
                        "opaque directory hides the lower layer's entries");
            }
            assertEquals("peapod\n", Files.readString(rootfs.resolve("etc/hostname")));
            assertTrue(Files.readString(rootfs.resolve("etc/passwd")).startsWith("root:"));
            assertEquals(04755, ((Integer) Files.getAttribute(rootfs.resolve("usr/bin/suid"), "unix:mode")) & 07777);
            assertEquals(Files.getAttribute(rootfs.resolve("usr/bin/suid"), "unix:ino"),
                    Files.getAttribute(rootfs.resolve("usr/bin/suid-link"), "unix:ino"));
            Process p = new ProcessBuilder("chroot", rootfs.toString(), "/bin/sh", "-c",
                    "ls /var/cache; cat /etc/hostname; test -e /deleteme || echo gone; echo hi > /written")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertEquals("new\npeapod\ngone\n", out);
            Path upper = Path.of(mounts.get(0).option("upperdir"));
            assertEquals("hi\n", Files.readString(upper.resolve("written")), "writes land in the container's upper dir");
        } finally {
            unmount(rootfs);
        }
        for (Digest chain : io.peapod.image.snapshot.Snapshotter.chainIds(b.diffIds())) {
            assertNotNull(s.snapshotter().stat(chain).orElse(null));
        }
        assertTrue(s.snapshotter().activeUsage("ctr-1").bytes() >= 3);
        assertTrue(s.removeContainerSnapshot("ctr-1"));
    }

    @Test
    void imageWithHundredFiftyLayersStillMounts() throws Exception {
        ImageService s = service(tmp.resolve("content"), tmp.resolve("snapshots"));
        List<TestImages.Layer> layers = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            layers.add(new TestImages.Layer(new TarWriter().file("layer" + i, 0644, "content " + i)
                    .file("top", 0644, "from " + i).toBytes(), Compression.NONE));
        }
        TestImages.Built b = TestImages.build(s.content(), layers, Platform.LINUX_AMD64);
        new ImageStore(tmp.resolve("images")).put("localhost/tall:1", b.target());
        Mount m = s.rootfsMounts("localhost/tall:1", "tall").get(0);
        assertNotNull(m.workingDirectory(), "absolute lowerdirs would not fit in a page");
        Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        mount(m, rootfs);
        try {
            assertEquals("content 0", Files.readString(rootfs.resolve("layer0")));
            assertEquals("content 149", Files.readString(rootfs.resolve("layer149")));
            assertEquals("from 149", Files.readString(rootfs.resolve("top")));
        } finally {
            unmount(rootfs);
        }
        s.removeContainerSnapshot("tall");
    }

    @Test
    void diskFullDuringUnpackLeavesNoHalfSnapshot() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        sys.mount("tmpfs", small.toString(), "tmpfs", 0, "size=2m");
        try {
            ImageService s = service(tmp.resolve("content"), small.resolve("snapshots"));
            byte[] big = new byte[4 << 20];
            new Random(7).nextBytes(big);
            TestImages.Built b = TestImages.build(s.content(), List.of(new TestImages.Layer(
                    new TarWriter().file("small", 0644, "x").file("big", 0644, big).toBytes(), Compression.GZIP)),
                    Platform.LINUX_AMD64);
            new ImageStore(tmp.resolve("images")).put("localhost/big:1", b.target());
            ImageException e = assertThrows(ImageException.class, () -> s.rootfsMounts("localhost/big:1", "c"));
            assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
            assertTrue(s.snapshotter().list().isEmpty(), "no snapshot visible");
            try (Stream<Path> left = Files.list(small.resolve("snapshots/.tmp"))) {
                assertEquals(0, left.count(), "the partial unpack was removed");
            }
            assertFalse(Files.exists(small.resolve("snapshots/active/c")));
            assertTrue(sys.statfs(small.toString()).usedBytes() < (1 << 20));
        } finally {
            unmount(small);
        }
    }

    @Test
    void diskFullDuringIngestCommitsNothing() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        sys.mount("tmpfs", small.toString(), "tmpfs", 0, "size=1m");
        try {
            LocalContentStore store = new LocalContentStore(small.resolve("content"));
            byte[] big = new byte[3 << 20];
            new Random(8).nextBytes(big);
            Digest d = Digest.sha256(big);
            ImageException e = assertThrows(ImageException.class, () -> store.put(d, big));
            assertTrue(e.getMessage().contains("no space left on device") && e.getMessage().contains(d.toString()),
                    e.getMessage());
            assertFalse(store.contains(d));
            try (Stream<Path> left = Files.list(small.resolve("content/ingest"))) {
                assertEquals(0, left.count());
            }
        } finally {
            unmount(small);
        }
    }

}
