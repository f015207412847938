package io.peapod.image.snapshot;

import io.peapod.image.content.Digest;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A committed, read-only snapshot: the unpacked layers up to and including the one whose
 * chain ID names it.
 *
 * @param parent the chain ID below it, or null for a base layer
 * @param fs     the directory holding this layer's files (a lowerdir)
 */
public record SnapshotInfo(Digest chainId, Digest parent, Instant created, Path fs) {
}
