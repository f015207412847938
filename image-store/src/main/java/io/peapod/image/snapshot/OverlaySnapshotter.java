package io.peapod.image.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.peapod.image.FailedPreconditionException;
import io.peapod.image.ImageException;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.NotFoundException;
import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.spec.Json;
import io.peapod.image.store.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as overlayfs layers:
 * <pre>
 *   root/sha256-&lt;hex&gt;/fs          committed layer (a lowerdir), never written once committed
 *   root/sha256-&lt;hex&gt;/info.json   chain ID, parent, creation time
 *   root/l/&lt;short&gt;               symlink → ../sha256-&lt;hex&gt;/fs, for short relative lowerdirs
 *   root/active/&lt;key&gt;/upper, work  a container's writable layer
 *   root/.tmp/                    unpacks in progress (removed on failure)
 * </pre>
 */
public final class OverlaySnapshotter implements Snapshotter {
    private static final Logger LOG = LoggerFactory.getLogger(OverlaySnapshotter.class);
    /** mount(2) copies at most one page of data, NUL included. */
    static final int MAX_MOUNT_DATA = 4095;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path root;
    private final Path links;
    private final Path active;
    private final Path tmp;
    private final ConcurrentHashMap<Digest, CompletableFuture<SnapshotInfo>> inflight = new ConcurrentHashMap<>();

    public OverlaySnapshotter(Path root) {
        this.root = root.toAbsolutePath();
        this.links = this.root.resolve("l");
        this.active = this.root.resolve("active");
        this.tmp = this.root.resolve(".tmp");
        try {
            Files.createDirectories(links);
            Files.createDirectories(active);
            Files.createDirectories(tmp);
            Files.createDirectories(this.root.resolve("empty"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create snapshot root " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    record Info(@JsonProperty("chainId") String chainId, @JsonProperty("parent") String parent,
                @JsonProperty("created") String created) {
    }

    private Path dir(Digest chainId) {
        return root.resolve(chainId.algorithm() + "-" + chainId.hex());
    }

    @Override
    public SnapshotInfo ensureCommitted(Digest chainId, Digest parent, Applier applier) {
        while (true) {
            Optional<SnapshotInfo> existing = stat(chainId);
            if (existing.isPresent()) {
                return existing.get();
            }
            CompletableFuture<SnapshotInfo> mine = new CompletableFuture<>();
            CompletableFuture<SnapshotInfo> running = inflight.putIfAbsent(chainId, mine);
            if (running != null) {
                try {
                    return running.join();
                } catch (CompletionException e) {
                    LOG.debug("shared unpack of {} failed; retrying: {}", chainId, e.getCause().toString());
                    continue;
                }
            }
            try {
                SnapshotInfo info = stat(chainId).orElseGet(() -> create(chainId, parent, applier));
                mine.complete(info);
                return info;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inflight.remove(chainId, mine);
            }
        }
    }

    private SnapshotInfo create(Digest chainId, Digest parent, Applier applier) {
        List<Path> lowers = parent == null ? List.of() : lowerDirs(parent);
        Path work = tmp.resolve(chainId.hex() + "-" + UUID.randomUUID());
        Path target = dir(chainId);
        try {
            Files.createDirectories(work.resolve("fs"));
            applier.apply(work.resolve("fs"), lowers);
            Instant now = Instant.now();
            AtomicFiles.write(work.resolve("info.json"), Json.write(new Info(chainId.toString(),
                    parent == null ? null : parent.toString(), now.toString())));
            try {
                Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                LOG.debug("snapshot {} was committed by another process", chainId);
            }
            AtomicFiles.fsyncDirectory(root);
            ensureLink(chainId);
            LOG.info("committed snapshot {}", chainId);
            return stat(chainId).orElseThrow();
        } catch (IOException e) {
            throw LocalContentStore.storageFailure("cannot create snapshot " + chainId, e);
        } finally {
            deleteTree(work);
        }
    }

    /** The fs directories of {@code top} and everything below it, top first. */
    private List<Path> lowerDirs(Digest top) {
        List<Path> out = new ArrayList<>();
        Set<Digest> seen = new HashSet<>();
        Digest cur = top;
        while (cur != null) {
            if (!seen.add(cur)) {
                throw new ImageException("snapshot chain of " + top + " loops at " + cur);
            }
            SnapshotInfo info = stat(cur).orElseThrow(() -> new NotFoundException(
                    "parent snapshot " + top + " is missing a committed layer"));
            out.add(info.fs());
            cur = info.parent();
        }
        return out;
    }

    private List<Digest> chain(Digest top) {
        List<Digest> out = new ArrayList<>();
        Digest cur = top;
        while (cur != null) {
            out.add(cur);
            Digest c = cur;
            cur = stat(cur).orElseThrow(() -> new NotFoundException("snapshot " + c + " not found")).parent();
        }
        return out;
    }

    private String shortName(Digest chainId) {
        return chainId.hex().substring(0, 16);
    }

    private Path ensureLink(Digest chainId) throws IOException {
        Path link = links.resolve(shortName(chainId));
        Path want = Paths.get("..", dir(chainId).getFileName().toString(), "fs");
        try {
            Files.createSymbolicLink(link, want);
        } catch (FileAlreadyExistsException e) {
            if (!Files.readSymbolicLink(link).equals(want)) {
                Files.delete(link);
                Files.createSymbolicLink(link, want);
            }
        }
        return link;
    }

    @Override
    public Optional<SnapshotInfo> stat(Digest chainId) {
        Path d = dir(chainId);
        try {
            Info info = Json.parse(Files.readAllBytes(d.resolve("info.json")), Info.class, "snapshot info " + d);
            return Optional.of(new SnapshotInfo(chainId, info.parent() == null ? null : Digest.parse(info.parent()),
                    Instant.parse(info.created()), d.resolve("fs")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + chainId, e);
        }
    }

    @Override
    public List<SnapshotInfo> list() {
        List<SnapshotInfo> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                int dash = n.indexOf('-');
                if (dash > 0 && Digest.isDigest(n.substring(0, dash) + ":" + n.substring(dash + 1))) {
                    stat(Digest.parse(n.substring(0, dash) + ":" + n.substring(dash + 1))).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + root, e);
        }
        return out;
    }

    @Override
    public void remove(Digest chainId) {
        Path d = dir(chainId);
        if (!Files.exists(d)) {
            throw new NotFoundException("snapshot " + chainId + " not found");
        }
        Path doomed = tmp.resolve("rm-" + chainId.hex() + "-" + UUID.randomUUID());
        try {
            Path link = links.resolve(shortName(chainId));
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().contains(chainId.hex())) {
                Files.delete(link);
            }
            Files.move(d, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove snapshot " + chainId, e);
        }
        deleteTree(doomed);
        LOG.info("removed snapshot {}", chainId);
    }

    @Override
    public Mount prepare(String key, Digest parent) {
        checkKey(key);
        if (parent != null) {
            chain(parent);
        }
        Path d = active.resolve(key);
        try {
            Files.createDirectory(d);
        } catch (FileAlreadyExistsException e) {
            throw new FailedPreconditionException("writable snapshot " + key + " already exists");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create writable snapshot " + key, e);
        }
        try {
            Files.createDirectory(d.resolve("upper"));
            Files.createDirectory(d.resolve("work"));
            AtomicFiles.write(d.resolve("info.json"), Json.write(new Info(null,
                    parent == null ? null : parent.toString(), Instant.now().toString())));
            Mount m = mount(key);
            LOG.info("prepared writable snapshot {} on {}", key, parent);
            return m;
        } catch (IOException | RuntimeException e) {
            deleteTree(d);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw LocalContentStore.storageFailure("cannot prepare writable snapshot " + key, (IOException) e);
        }
    }

    @Override
    public Digest activeParent(String key) {
        Info info = activeInfo(key);
        return info.parent() == null ? null : Digest.parse(info.parent());
    }

    private Info activeInfo(String key) {
        checkKey(key);
        Path d = active.resolve(key);
        try {
            return Json.parse(Files.readAllBytes(d.resolve("info.json")), Info.class, "snapshot info " + d);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("writable snapshot " + key + " not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read writable snapshot " + key, e);
        }
    }

    @Override
    public Mount mount(String key) {
        Info info = activeInfo(key);
        Path d = active.resolve(key);
        if (info.chainId() != null) {
            throw new ImageException("snapshot " + key + " is corrupt");
        }
        String upper = "upperdir=" + d.resolve("upper");
        String work = "workdir=" + d.resolve("work");
        if (info.parent() == null) {
            return new Mount("overlay", "overlay", List.of("lowerdir=" + root.resolve("empty"), upper, work), null);
        }
        List<Digest> chain = chain(Digest.parse(info.parent()));
        StringBuilder abs = new StringBuilder("lowerdir=");
        for (int i = 0; i < chain.size(); i++) {
            abs.append(i == 0 ? "" : ":").append(dir(chain.get(i)).resolve("fs"));
        }
        if (abs.length() + upper.length() + work.length() + 2 <= MAX_MOUNT_DATA) {
            return new Mount("overlay", "overlay", List.of(abs.toString(), upper, work), null);
        }
        StringBuilder rel = new StringBuilder("lowerdir=");
        try {
            for (int i = 0; i < chain.size(); i++) {
                ensureLink(chain.get(i));
                rel.append(i == 0 ? "" : ":").append("l/").append(shortName(chain.get(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link snapshots for " + key, e);
        }
        if (rel.length() + upper.length() + work.length() + 2 > MAX_MOUNT_DATA) {
            throw new ImageException("writable snapshot " + key + " stacks " + chain.size()
                    + " layers: its overlay options exceed " + MAX_MOUNT_DATA + " bytes even with short names");
        }
        return new Mount("overlay", "overlay", List.of(rel.toString(), upper, work), root);
    }

    @Override
    public List<String> activeKeys() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(active)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + active, e);
        }
        out.sort(null);
        return out;
    }

    @Override
    public boolean removeActive(String key) {
        checkKey(key);
        Path d = active.resolve(key);
        if (!Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path doomed = tmp.resolve("rm-" + key + "-" + UUID.randomUUID());
        try {
            Files.move(d, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove writable snapshot " + key
                    + " (is it still mounted?)", e);
        }
        deleteTree(doomed);
        LOG.info("removed writable snapshot {}", key);
        return true;
    }

    @Override
    public DiskUsage usage(Digest chainId) {
        Path d = dir(chainId);
        if (!Files.exists(d)) {
            throw new NotFoundException("snapshot " + chainId + " not found");
        }
        return usageOf(d);
    }

    @Override
    public DiskUsage activeUsage(String key) {
        checkKey(key);
        Path d = active.resolve(key);
        if (!Files.exists(d)) {
            throw new NotFoundException("writable snapshot " + key + " not found");
        }
        return usageOf(d);
    }

    @Override
    public DiskUsage totalUsage() {
        return usageOf(root);
    }

    /** Removes unpacks that a crashed process left in .tmp; call with the store lock held. */
    public void removeStaleTemporaries() {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                deleteTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + tmp, e);
        }
    }

    static DiskUsage usageOf(Path dir) {
        long[] acc = new long[2];
        Set<Object> seen = new HashSet<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    acc[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    if (a.isRegularFile() && a.fileKey() != null && !seen.add(a.fileKey())) {
                        return FileVisitResult.CONTINUE;
                    }
                    acc[1]++;
                    acc[0] += a.isRegularFile() ? a.size() : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return new DiskUsage(acc[0], acc[1]);
    }

    private static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new InvalidArgumentException("invalid snapshot key \"" + key
                    + "\": use letters, digits, '_', '.', '-' (at most 128)");
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.toString());
        }
    }
}
