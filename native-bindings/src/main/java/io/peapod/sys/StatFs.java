package io.peapod.sys;

/** The parts of {@code struct statfs} peapod reads. */
public record StatFs(long type, long blockSize, long blocks, long blocksFree, long blocksAvailable,
                     long files, long filesFree) {
    public static final long OVERLAYFS_MAGIC = 0x794c7630L;
    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long CGROUP2_MAGIC = 0x63677270L;
    public static final long CGROUP_MAGIC = 0x27e0ebL;
    public static final long NSFS_MAGIC = 0x6e736673L;

    public long totalBytes() {
        return blocks * blockSize;
    }

    public long usedBytes() {
        return (blocks - blocksFree) * blockSize;
    }
}
