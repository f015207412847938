package io.peapod.image.unpack;

import io.peapod.image.DigestMismatchException;
import io.peapod.image.InvalidArgumentException;
import io.peapod.image.content.Digest;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.sys.Errno;
import io.peapod.sys.SyscallException;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one layer tar to an empty snapshot directory, converting whiteouts to overlayfs form
 * ({@code .wh.x} → a 0/0 character device {@code x}; {@code .wh..wh..opq} → the parent gets
 * {@code trusted.overlay.opaque=y}).
 *
 * <p>Containment: entry names and hard-link targets with {@code ..} or an absolute path are
 * refused, and so is any entry whose parent path crosses a symlink or non-directory written
 * earlier by the same layer. The unpacker tracks every path it created, so it never has to
 * follow a link on disk: files are created fresh (replacing whatever was there), and lower
 * layers are only read for hard-link targets, walking their components without following links.
 */
public final class LayerUnpacker {
    private static final Logger LOG = LoggerFactory.getLogger(LayerUnpacker.class);
    private static final int BUFFER = 1 << 20;
    private static final int READ_AHEAD_CHUNK = 1 << 20;
    private static final int READ_AHEAD_CHUNKS = 4;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final byte[] OPAQUE_VALUE = {'y'};

    private static final byte DIR = 1;
    private static final byte FILE = 2;
    private static final byte SYMLINK = 3;
    private static final byte OTHER = 4;

    private final Syscalls sys;
    private final boolean root;

    /** @param sys for mknod, lchown and xattrs; ownership and devices need euid 0 */
    public LayerUnpacker(Syscalls sys) {
        this.sys = sys;
        this.root = sys.geteuid() == 0;
    }

    /** What an unpack produced. */
    public record Result(Digest diffId, long uncompressedSize, long entries) {
    }

    /**
     * Unpacks {@code blob} (compressed as {@code compression}) into {@code target}, which must be
     * an empty directory. {@code lowerDirs} are the parent snapshots, top first, consulted only
     * for hard links to files of earlier layers. When {@code expectedDiffId} is given, the
     * uncompressed stream must hash to it.
     */
    public Result unpack(InputStream blob, Compression compression, Path target, Digest expectedDiffId,
                         List<Path> lowerDirs) throws IOException {
        String algorithm = expectedDiffId == null ? Digest.SHA256 : expectedDiffId.algorithm();
        HashingInputStream hashed = new HashingInputStream(Decompression.open(blob, compression),
                Digest.newDigest(algorithm));
        Run run = new Run(target, lowerDirs);
        try (ReadAheadInputStream ahead = new ReadAheadInputStream(hashed, READ_AHEAD_CHUNK, READ_AHEAD_CHUNKS,
                "peapod-unpack-read")) {
            PaxTapInputStream tar = new PaxTapInputStream(ahead);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                run.apply(tar, e, tar.takeXattrs());
            }
            // Whatever follows the end-of-archive records is still part of the diff ID.
            ahead.transferTo(OutputStream.nullOutputStream());
        }
        Digest diffId = Digest.of(hashed.digest().digest(), algorithm);
        if (expectedDiffId != null && !expectedDiffId.equals(diffId)) {
            throw new DigestMismatchException("layer diff ID mismatch: the image config says " + expectedDiffId
                    + ", the uncompressed layer hashes to " + diffId);
        }
        run.finishDirectories();
        return new Result(diffId, hashed.count(), run.entries);
    }

    /** The state of one unpack. */
    private final class Run {
        private final Path root;
        private final List<Path> lowers;
        private final Map<String, Byte> created = new HashMap<>();
        private final List<Object[]> dirMetadata = new ArrayList<>();
        private final byte[] buffer = new byte[BUFFER];
        private long entries;

        Run(Path root, List<Path> lowers) {
            this.root = root;
            this.lowers = lowers == null ? List.of() : lowers;
            created.put("", DIR);
        }

        void apply(InputStream data, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
            entries++;
            String name = e.getName();
            String rel = clean(name, name, "path");
            int slash = rel.lastIndexOf('/');
            String parent = slash < 0 ? "" : rel.substring(0, slash);
            String base = slash < 0 ? rel : rel.substring(slash + 1);

            if (base.startsWith(WHITEOUT)) {
                ensureParents(name, rel.isEmpty() ? "" : parent, true);
                if (base.equals(OPAQUE)) {
                    sys.lsetxattr(path(parent).toString(), "trusted.overlay.opaque", OPAQUE_VALUE);
                } else if (!base.startsWith(WHITEOUT + WHITEOUT)) {
                    String hidden = (parent.isEmpty() ? "" : parent + "/") + base.substring(WHITEOUT.length());
                    if (hidden.endsWith("/") || base.length() == WHITEOUT.length()) {
                        throw new UnsafeEntryException(name, "whiteout names nothing");
                    }
                    removeExisting(hidden);
                    sys.mknod(path(hidden).toString(), Syscalls.S_IFCHR, 0);
                    created.put(hidden, OTHER);
                }
                return;
            }
            if (rel.isEmpty()) {
                if (e.isDirectory()) {
                    dirMetadata.add(new Object[] {root, e});
                    applyOwnerAndXattrs(root, e, xattrs, name);
                }
                return;
            }
            ensureParents(name, parent, false);
            Path p = path(rel);
            Byte existing = created.get(rel);
            if (e.isDirectory()) {
                if (existing == null || existing != DIR) {
                    removeExisting(rel);
                    Files.createDirectory(p);
                    created.put(rel, DIR);
                }
                applyOwnerAndXattrs(p, e, xattrs, name);
                dirMetadata.add(new Object[] {p, e});
                return;
            }
            if (existing != null) {
                removeExisting(rel);
            }
            if (e.isLink()) {
                hardLink(name, rel, p, e.getLinkName());
                return;
            }
            if (e.isSymbolicLink()) {
                Files.createSymbolicLink(p, Paths.get(e.getLinkName()));
                created.put(rel, SYMLINK);
            } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
                if (!LayerUnpacker.this.root && !e.isFIFO()) {
                    throw new UnsafeEntryException(name, "device nodes need root to unpack");
                }
                int type = e.isFIFO() ? Syscalls.S_IFIFO : e.isCharacterDevice() ? Syscalls.S_IFCHR : Syscalls.S_IFBLK;
                sys.mknod(p.toString(), type | (e.getMode() & 07777),
                        Syscalls.makedev(e.getDevMajor(), e.getDevMinor()));
                created.put(rel, OTHER);
            } else if (e.isFile()) {
                writeFile(data, p, e.getSize());
                created.put(rel, FILE);
            } else {
                LOG.debug("skipping layer entry {} of tar type {}", name, (char) e.getLinkFlag());
                return;
            }
            applyOwnerAndXattrs(p, e, xattrs, name);
            if (!e.isSymbolicLink()) {
                // After lchown, which clears setuid/setgid; chmod never opens (fifos, devices).
                sys.chmod(p.toString(), e.getMode() & 07777);
            }
            setMtime(p, e);
        }

        private void writeFile(InputStream data, Path p, long size) throws IOException {
            try (FileChannel out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                long left = size;
                while (left > 0) {
                    int n = data.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new InvalidArgumentException("layer truncated inside " + p.getFileName()
                                + ": " + left + " bytes missing");
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    left -= n;
                }
            }
        }

        private void hardLink(String name, String rel, Path p, String linkName) throws IOException {
            String target = clean(linkName, name, "hard link target");
            Byte kind = created.get(target);
            if (kind != null) {
                if (kind == DIR) {
                    throw new UnsafeEntryException(name, "hard link to directory " + linkName);
                }
                checkParentsInLayer(name, target);
                Files.createLink(p, path(target));
                created.put(rel, kind);
                return;
            }
            Path lower = findInLowers(target);
            if (lower == null) {
                throw new UnsafeEntryException(name, "hard link target " + linkName + " does not exist");
            }
            // Overlay cannot share an inode across layers: copy it up, metadata included.
            Files.copy(lower, p, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            Object uid = Files.getAttribute(lower, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object gid = Files.getAttribute(lower, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            Object mode = Files.getAttribute(lower, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (LayerUnpacker.this.root) {
                sys.lchown(p.toString(), (Integer) uid, (Integer) gid);
            }
            sys.chmod(p.toString(), ((Integer) mode) & 07777);
            created.put(rel, FILE);
        }

        /** A regular file at {@code rel} in the highest lower layer that has it, reached without following links. */
        private Path findInLowers(String rel) throws IOException {
            String[] parts = rel.split("/");
            for (Path lower : lowers) {
                Path cur = lower;
                boolean stop = false;
                for (int i = 0; i < parts.length; i++) {
                    cur = cur.resolve(parts[i]);
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(cur, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (java.nio.file.NoSuchFileException ex) {
                        cur = null;
                        break;
                    }
                    boolean last = i == parts.length - 1;
                    if (a.isSymbolicLink() || a.isOther() || (!last && !a.isDirectory())) {
                        stop = true; // a link, a whiteout or a file in the way: hidden below this layer
                        cur = null;
                        break;
                    }
                    if (last && a.isRegularFile()) {
                        return cur;
                    }
                    if (a.isDirectory() && sys.lgetxattr(cur.toString(), "trusted.overlay.opaque") != null) {
                        stop = !last;
                        if (stop) {
                            break;
                        }
                    }
                }
                if (stop) {
                    return null;
                }
            }
            return null;
        }

        /** Creates missing parent directories; refuses to pass through links or files of this layer. */
        private void ensureParents(String name, String parent, boolean forWhiteout) throws IOException {
            if (parent.isEmpty()) {
                return;
            }
            Byte kind = created.get(parent);
            if (kind != null && kind == DIR) {
                return;
            }
            int from = 0;
            while (true) {
                int slash = parent.indexOf('/', from);
                String prefix = slash < 0 ? parent : parent.substring(0, slash);
                Byte k = created.get(prefix);
                if (k == null) {
                    Files.createDirectory(path(prefix));
                    created.put(prefix, DIR);
                } else if (k == SYMLINK) {
                    throw new UnsafeEntryException(name, "path walks through symlink " + prefix
                            + " created earlier in the layer");
                } else if (k != DIR) {
                    throw new UnsafeEntryException(name, prefix + " is not a directory");
                }
                if (slash < 0) {
                    return;
                }
                from = slash + 1;
            }
        }

        private void checkParentsInLayer(String name, String rel) {
            int from = 0;
            while (true) {
                int slash = rel.indexOf('/', from);
                if (slash < 0) {
                    return;
                }
                Byte k = created.get(rel.substring(0, slash));
                if (k == null || k != DIR) {
                    throw new UnsafeEntryException(name, "hard link target path " + rel + " crosses a non-directory");
                }
                from = slash + 1;
            }
        }

        /** Deletes what this layer created at {@code rel} (and below it), never following links. */
        private void removeExisting(String rel) throws IOException {
            Byte kind = created.remove(rel);
            if (kind == null) {
                return;
            }
            Path p = path(rel);
            if (kind == DIR) {
                Files.walkFileTree(p, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.delete(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
                String prefix = rel + "/";
                for (Iterator<String> it = created.keySet().iterator(); it.hasNext(); ) {
                    if (it.next().startsWith(prefix)) {
                        it.remove();
                    }
                }
                dirMetadata.removeIf(m -> ((Path) m[0]).startsWith(p));
            } else {
                Files.delete(p);
            }
        }

        private void applyOwnerAndXattrs(Path p, TarArchiveEntry e, Map<String, byte[]> xattrs, String name) {
            String ps = p.toString();
            if (LayerUnpacker.this.root) {
                sys.lchown(ps, (int) e.getLongUserId(), (int) e.getLongGroupId());
            }
            for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
                String key = x.getKey();
                if (key.startsWith("trusted.overlay.")) {
                    // Only the unpacker decides overlay metadata (opaque, redirect).
                    LOG.warn("ignoring xattr {} on layer entry {}", key, name);
                    continue;
                }
                try {
                    sys.lsetxattr(ps, key, x.getValue());
                } catch (SyscallException ex) {
                    if (ex.errno() == Errno.ENOTSUP) {
                        LOG.warn("filesystem does not support xattr {} on {}", key, name);
                    } else {
                        throw ex;
                    }
                }
            }
        }

        private void setMtime(Path p, TarArchiveEntry e) {
            FileTime mtime = e.getLastModifiedTime();
            if (mtime == null) {
                return;
            }
            FileTime atime = e.getLastAccessTime() != null ? e.getLastAccessTime() : mtime;
            Instant m = mtime.toInstant();
            Instant a = atime.toInstant();
            sys.lutimes(p.toString(), a.getEpochSecond(), a.getNano(), m.getEpochSecond(), m.getNano());
        }

        /** Directory modes and times last, once nothing more is written inside them. */
        void finishDirectories() throws IOException {
            for (int i = dirMetadata.size() - 1; i >= 0; i--) {
                Path p = (Path) dirMetadata.get(i)[0];
                TarArchiveEntry e = (TarArchiveEntry) dirMetadata.get(i)[1];
                sys.chmod(p.toString(), e.getMode() & 07777);
                setMtime(p, e);
            }
        }

        private Path path(String rel) {
            return rel.isEmpty() ? root : root.resolve(rel);
        }
    }

    /**
     * The entry path relative to the layer root, without {@code .} and empty components;
     * refuses absolute paths and {@code ..}.
     */
    static String clean(String raw, String entryName, String what) {
        if (raw == null || raw.isEmpty()) {
            throw new UnsafeEntryException(entryName, "empty " + what);
        }
        if (raw.startsWith("/")) {
            throw new UnsafeEntryException(entryName, "absolute " + what + " " + raw);
        }
        if (raw.indexOf('\0') >= 0) {
            throw new UnsafeEntryException(entryName, what + " contains a NUL byte");
        }
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        int n = raw.length();
        while (i < n) {
            int j = raw.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            int len = j - i;
            if (len == 0 || (len == 1 && raw.charAt(i) == '.')) {
                i = j + 1;
                continue;
            }
            if (len == 2 && raw.charAt(i) == '.' && raw.charAt(i + 1) == '.') {
                throw new UnsafeEntryException(entryName, what + " " + raw + " contains \"..\"");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(raw, i, j);
            i = j + 1;
        }
        return out.toString();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
