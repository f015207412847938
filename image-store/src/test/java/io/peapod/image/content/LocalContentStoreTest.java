package io.peapod.image.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.image.DigestMismatchException;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalContentStoreTest {
    @TempDir
    Path dir;

    @Test
    void digestParsing() {
        Digest d = Digest.sha256("hello");
        assertEquals("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", d.toString());
        assertEquals(d, Digest.parse(d.toString()));
        String sha512 = "sha512:" + "a".repeat(128);
        assertEquals("sha512", Digest.parse(sha512).algorithm());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Digest.parse("md5:abc"));
        assertTrue(e.getMessage().contains("md5"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Digest.parse("sha256:ABC"));
        assertThrows(InvalidArgumentException.class, () -> Digest.parse("sha256:" + "A".repeat(64)));
        assertThrows(InvalidArgumentException.class, () -> Digest.parse("nocolon"));
    }

    @Test
    void putReadAndDelete() {
        LocalContentStore store = new LocalContentStore(dir);
        byte[] data = "layer bytes".getBytes(StandardCharsets.UTF_8);
        Digest d = store.put(data);
        assertTrue(store.contains(d));
        assertArrayEquals(data, store.read(d));
        assertEquals(data.length, store.size(d));
        assertEquals(List.of(d), new ArrayList<>(store.list()));
        assertEquals(data.length, store.diskUsage());
        assertTrue(store.delete(d));
        assertFalse(store.contains(d));
        assertThrows(NotFoundException.class, () -> store.read(d));
    }

    @Test
    void sha512Accepted() throws Exception {
        LocalContentStore store = new LocalContentStore(dir);
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.of(java.security.MessageDigest.getInstance("SHA-512").digest(data), Digest.SHA512);
        store.put(d, data);
        assertArrayEquals(data, store.read(d));
    }

    @Test
    void digestMismatchCommitsNothing() throws IOException {
        LocalContentStore store = new LocalContentStore(dir);
        Digest claimed = Digest.sha256("good");
        DigestMismatchException e = assertThrows(DigestMismatchException.class,
                () -> store.put(claimed, "evil".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains(claimed.toString()), e.getMessage());
        assertFalse(store.contains(claimed));
        assertNoFiles();
    }

    @Test
    void sizeMismatchCommitsNothing() throws IOException {
        LocalContentStore store = new LocalContentStore(dir);
        byte[] data = "good".getBytes(StandardCharsets.UTF_8);
        Digest d = Digest.sha256(data);
        assertThrows(DigestMismatchException.class, () -> store.ingest(d, 3, w -> w.write(data)));
        assertThrows(DigestMismatchException.class, () -> store.ingest(d, 5, w -> w.write(data)));
        assertFalse(store.contains(d));
        assertNoFiles();
    }

    @Test
    void sourceFailureCommitsNothing() throws IOException {
        LocalContentStore store = new LocalContentStore(dir);
        Digest d = Digest.sha256("abc");
        assertThrows(java.io.UncheckedIOException.class, () -> store.ingest(d, 3, w -> {
            w.write('a');
            throw new IOException("connection reset");
        }));
        assertFalse(store.contains(d));
        assertNoFiles();
    }

    @Test
    void concurrentWritersShareOneIngest() throws Exception {
        LocalContentStore store = new LocalContentStore(dir);
        byte[] data = new byte[1 << 20];
        new java.util.Random(1).nextBytes(data);
        Digest d = Digest.sha256(data);
        AtomicInteger writes = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                fs.add(pool.submit(() -> store.ingest(d, data.length, w -> {
                    writes.incrementAndGet();
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    w.write(data);
                })));
            }
            started.await();
            Thread.sleep(200);
            assertFalse(store.contains(d), "nothing visible before the ingest completes");
            release.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, writes.get());
        assertArrayEquals(data, store.read(d));
    }

    private void assertNoFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of(), s.filter(Files::isRegularFile).toList());
        }
    }
}
