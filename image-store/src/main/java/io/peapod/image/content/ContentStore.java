package io.peapod.image.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * Blobs by digest. A blob becomes visible only after its size and digest were verified while it
 * was written; readers never see partial or unverified content. Implementations are thread safe.
 */
public interface ContentStore {
    boolean contains(Digest digest);

    /** Size in bytes of a committed blob; {@link io.peapod.image.NotFoundException} when absent. */
    long size(Digest digest);

    /** Opens a committed blob for reading; {@link io.peapod.image.NotFoundException} when absent. */
    InputStream open(Digest digest);

    /** A small blob (manifest, config, index) read whole. */
    byte[] read(Digest digest);

    /** The committed blob's file, for readers that want a channel; never written through. */
    Path path(Digest digest);

    /**
     * Writes a blob through {@code source}, verifying it against {@code expected} and
     * {@code expectedSize} (negative: unknown) while streaming, then commits it atomically.
     * Concurrent calls for one digest share a single ingest: the others wait for it and return
     * once it is committed (or retry if it failed). Returns at once if the blob already exists.
     *
     * @throws io.peapod.image.DigestMismatchException when size or digest differ; nothing is committed
     */
    void ingest(Digest expected, long expectedSize, BlobSource source);

    /** Stores {@code bytes} under their sha256 digest and returns it. */
    Digest put(byte[] bytes);

    /** Stores {@code bytes}, which must have {@code expected} as digest. */
    void put(Digest expected, byte[] bytes);

    Set<Digest> list();

    /** Deletes a blob; false if it did not exist. */
    boolean delete(Digest digest);

    /** Bytes used by committed blobs. */
    long diskUsage();

    /** Produces a blob's bytes into an {@link IngestWriter}. May be resumed: see {@link IngestWriter#written()}. */
    @FunctionalInterface
    interface BlobSource {
        void writeTo(IngestWriter writer) throws IOException;
    }

    /** The verifying sink of an ingest. */
    abstract class IngestWriter extends OutputStream {
        /** Bytes accepted so far; a source resuming a broken download continues from here. */
        public abstract long written();
    }
}
