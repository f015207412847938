package io.peapod.image.content;

import io.peapod.image.DigestMismatchException;
import io.peapod.image.ImageException;
import io.peapod.image.NotFoundException;
import io.peapod.image.store.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContentStore} on a local directory:
 * <pre>
 *   root/blobs/sha256/&lt;hex&gt;   committed, read-only blobs
 *   root/ingest/&lt;hex&gt;.&lt;random&gt;  writes in progress (never read)
 * </pre>
 * A blob is written to {@code ingest/}, hashed and counted as it arrives, fsynced, then renamed
 * into {@code blobs/}; the rename is the commit.
 */
public final class LocalContentStore implements ContentStore {
    private static final Logger LOG = LoggerFactory.getLogger(LocalContentStore.class);

    private final Path root;
    private final Path blobs;
    private final Path ingest;
    private final ConcurrentHashMap<Digest, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();

    public LocalContentStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs");
        this.ingest = root.resolve("ingest");
        try {
            Files.createDirectories(blobs.resolve(Digest.SHA256));
            Files.createDirectories(ingest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create content store at " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public Path path(Digest digest) {
        Path p = blobPath(digest);
        if (!Files.exists(p)) {
            throw new NotFoundException("blob " + digest + " not found in content store " + root);
        }
        return p;
    }

    private Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public boolean contains(Digest digest) {
        return Files.exists(blobPath(digest));
    }

    @Override
    public long size(Digest digest) {
        try {
            return Files.size(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " not found in content store " + root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat blob " + digest, e);
        }
    }

    @Override
    public InputStream open(Digest digest) {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " not found in content store " + root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open blob " + digest, e);
        }
    }

    @Override
    public byte[] read(Digest digest) {
        try {
            return Files.readAllBytes(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " not found in content store " + root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + digest, e);
        }
    }

    @Override
    public Digest put(byte[] bytes) {
        Digest d = Digest.sha256(bytes);
        put(d, bytes);
        return d;
    }

    @Override
    public void put(Digest expected, byte[] bytes) {
        ingest(expected, bytes.length, w -> w.write(bytes));
    }

    /** Stores a stream that must match {@code expected}. */
    public void put(Digest expected, long size, InputStream in) {
        ingest(expected, size, w -> in.transferTo(w));
    }

    @Override
    public void ingest(Digest expected, long expectedSize, BlobSource source) {
        while (true) {
            if (contains(expected)) {
                return;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> running = inflight.putIfAbsent(expected, mine);
            if (running != null) {
                try {
                    running.join();
                    return;
                } catch (CompletionException e) {
                    // The other writer failed; try ourselves, with our own source.
                    LOG.debug("shared ingest of {} failed ({}); retrying", expected, e.getCause().toString());
                    continue;
                }
            }
            try {
                if (!contains(expected)) {
                    writeAndCommit(expected, expectedSize, source);
                }
                mine.complete(null);
                return;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inflight.remove(expected, mine);
            }
        }
    }

    private void writeAndCommit(Digest expected, long expectedSize, BlobSource source) {
        Path temp = ingest.resolve(expected.hex() + "." + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                VerifyingWriter w = new VerifyingWriter(ch, expected, expectedSize);
                source.writeTo(w);
                w.finish();
                ch.force(true);
            }
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
            Path target = blobPath(expected);
            Files.createDirectories(target.getParent());
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDirectory(target.getParent());
            LOG.debug("committed blob {}", expected);
        } catch (IOException e) {
            throw storageFailure("cannot write blob " + expected + " to " + root, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("cannot remove ingest file {}: {}", temp, e.toString());
            }
        }
    }

    /** IO failures while storing: a full disk gets a message that says so. */
    public static RuntimeException storageFailure(String what, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left on device")) {
            return new ImageException(what + ": no space left on device", e);
        }
        if (m.contains("Disk quota exceeded")) {
            return new ImageException(what + ": disk quota exceeded", e);
        }
        return new UncheckedIOException(what + ": " + e, e);
    }

    @Override
    public Set<Digest> list() {
        Set<Digest> out = new TreeSet<>();
        try (DirectoryStream<Path> algs = Files.newDirectoryStream(blobs)) {
            for (Path alg : algs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(alg)) {
                    for (Path f : files) {
                        try {
                            out.add(new Digest(alg.getFileName().toString(), f.getFileName().toString()));
                        } catch (RuntimeException e) {
                            LOG.warn("ignoring stray file {} in content store", f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list content store " + root, e);
        }
        return out;
    }

    @Override
    public boolean delete(Digest digest) {
        try {
            boolean deleted = Files.deleteIfExists(blobPath(digest));
            if (deleted) {
                LOG.debug("deleted blob {}", digest);
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + digest, e);
        }
    }

    @Override
    public long diskUsage() {
        long total = 0;
        for (Digest d : list()) {
            try {
                total += Files.size(blobPath(d));
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        return total;
    }

    /** Removes ingest files left by a crashed process; call when holding the store's lock. */
    public void removeStaleIngests() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ingest)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + ingest, e);
        }
    }

    /** Counts and hashes every byte; refuses to grow past the expected size. */
    private static final class VerifyingWriter extends IngestWriter {
        private final FileChannel channel;
        private final Digest expected;
        private final long expectedSize;
        private final MessageDigest md;
        private long written;

        VerifyingWriter(FileChannel channel, Digest expected, long expectedSize) {
            this.channel = channel;
            this.expected = expected;
            this.expectedSize = expectedSize;
            this.md = expected.newDigest();
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (expectedSize >= 0 && written + len > expectedSize) {
                throw new DigestMismatchException("blob " + expected + " is larger than its expected size "
                        + expectedSize + " bytes");
            }
            md.update(b, off, len);
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            written += len;
        }

        void finish() {
            if (expectedSize >= 0 && written != expectedSize) {
                throw new DigestMismatchException("blob " + expected + " is " + written
                        + " bytes, expected " + expectedSize);
            }
            Digest actual = Digest.of(md.digest(), expected.algorithm());
            if (!actual.equals(expected)) {
                throw new DigestMismatchException("blob digest mismatch: expected " + expected + ", got " + actual
                        + " (" + written + " bytes)");
            }
        }
    }

}
