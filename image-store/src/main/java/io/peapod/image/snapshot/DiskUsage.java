package io.peapod.image.snapshot;

/** Bytes (apparent sizes, hard links counted once) and inodes used. */
public record DiskUsage(long bytes, long inodes) {
    public static final DiskUsage ZERO = new DiskUsage(0, 0);

    public DiskUsage plus(DiskUsage o) {
        return new DiskUsage(bytes + o.bytes, inodes + o.inodes);
    }
}
