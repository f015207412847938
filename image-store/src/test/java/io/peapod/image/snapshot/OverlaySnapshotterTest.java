package io.peapod.image.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.FailedPreconditionException;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.content.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlaySnapshotterTest {
    @TempDir
    Path root;

    static Digest d(String s) {
        return Digest.sha256(s);
    }

    @Test
    void chainIdsFollowTheImageSpec() {
        Digest a = d("a");
        Digest b = d("b");
        assertEquals(List.of(a, Digest.sha256(a + " " + b)), Snapshotter.chainIds(List.of(a, b)));
    }

    @Test
    void commitsOnceForConcurrentCallers() throws Exception {
        OverlaySnapshotter s = new OverlaySnapshotter(root);
        AtomicInteger applies = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SnapshotInfo>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> s.ensureCommitted(d("l1"), null, (dir, lowers) -> {
                    applies.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    Files.writeString(dir.resolve("f"), "x");
                })));
            }
            Thread.sleep(200);
            assertTrue(s.stat(d("l1")).isEmpty(), "not visible before the unpack finished");
            release.countDown();
            for (Future<SnapshotInfo> f : fs) {
                assertEquals("x", Files.readString(f.get().fs().resolve("f")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, applies.get());
    }

    @Test
    void failedApplyLeavesNothing() throws IOException {
        OverlaySnapshotter s = new OverlaySnapshotter(root);
        assertThrows(java.io.UncheckedIOException.class, () -> s.ensureCommitted(d("bad"), null, (dir, lowers) -> {
            Files.writeString(dir.resolve("half"), "x");
            throw new IOException("boom");
        }));
        assertTrue(s.stat(d("bad")).isEmpty());
        assertTrue(s.list().isEmpty());
        try (var ls = Files.list(root.resolve(".tmp"))) {
            assertEquals(0, ls.count());
        }
    }

    @Test
    void preparesOverlayMountOverTheChain() throws IOException {
        OverlaySnapshotter s = new OverlaySnapshotter(root);
        s.ensureCommitted(d("1"), null, (dir, lowers) -> Files.writeString(dir.resolve("one"), "1"));
        List<Path> seen = new ArrayList<>();
        s.ensureCommitted(d("2"), d("1"), (dir, lowers) -> seen.addAll(lowers));
        assertEquals(List.of(s.stat(d("1")).orElseThrow().fs()), seen, "applier sees parent dirs, top first");
        Mount m = s.prepare("c1", d("2"));
        assertEquals("overlay", m.type());
        assertNull(m.workingDirectory());
        assertEquals(s.stat(d("2")).orElseThrow().fs() + ":" + s.stat(d("1")).orElseThrow().fs(), m.option("lowerdir"));
        assertEquals(root.resolve("active/c1/upper").toString(), m.option("upperdir"));
        assertEquals(root.resolve("active/c1/work").toString(), m.option("workdir"));
        assertTrue(Files.isDirectory(root.resolve("active/c1/upper")));
        assertEquals(d("2"), s.activeParent("c1"));
        assertThrows(FailedPreconditionException.class, () -> s.prepare("c1", d("2")));
        assertThrows(InvalidArgumentException.class, () -> s.prepare("../x", d("2")));
        assertEquals(List.of("c1"), s.activeKeys());
        assertTrue(s.usage(d("1")).bytes() >= 1);
        assertTrue(s.removeActive("c1"));
        assertFalse(Files.exists(root.resolve("active/c1")));
        assertFalse(s.removeActive("c1"));
    }

    @Test
    void manyLayersUseShortRelativeLowerdirs() throws IOException {
        OverlaySnapshotter s = new OverlaySnapshotter(root);
        List<Digest> diffs = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            diffs.add(d("layer" + i));
        }
        List<Digest> chain = Snapshotter.chainIds(diffs);
        Digest parent = null;
        for (Digest c : chain) {
            s.ensureCommitted(c, parent, (dir, lowers) -> { });
            parent = c;
        }
        Mount m = s.prepare("big", parent);
        assertEquals(root, m.workingDirectory());
        assertTrue(m.data().length() < OverlaySnapshotter.MAX_MOUNT_DATA, "fits a page: " + m.data().length());
        String[] lowers = m.option("lowerdir").split(":");
        assertEquals(150, lowers.length);
        for (int i = 0; i < lowers.length; i++) {
            Path resolved = root.resolve(lowers[i]);
            assertEquals(s.stat(chain.get(149 - i)).orElseThrow().fs().toRealPath().toString(),
                    toReal(resolved), "lowerdir " + i + " is the layer's fs, top first");
        }
    }

    static String toReal(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
