package io.peapod.cri.translate;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.PeapodException;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.SyscallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads files of the merged view of overlay layers without mounting them: the layer directories
 * are given topmost first and looked up as overlayfs would. A character device 0/0 is a whiteout
 * that hides the name in all lower layers; a directory marked opaque ({@code trusted.overlay.opaque}
 * or, as with overlay's {@code userxattr} option, {@code user.overlay.opaque} set to {@code y}) hides
 * the lower layers' content under it; a non-directory hides lower directories of the same name.
 * Symbolic links are followed inside the merged view (absolute targets from its root, never
 * outside it).
 */
public final class LayeredRootfsReader implements RootfsReader {

    /** Tells whether a directory of a layer is marked opaque. */
    @FunctionalInterface
    public interface OpaqueTest {
        boolean isOpaque(Path dir);
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int MAX_SYMLINKS = 40;
    /** Files read here are small (/etc/passwd); refuse anything absurdly large. */
    private static final long MAX_FILE_SIZE = 16L << 20;

    private final List<Path> layers;
    private final OpaqueTest opaque;

    /** Layers topmost first; opaque directories recognised by their trusted.* or user.* xattr. */
    public LayeredRootfsReader(List<Path> layersTopmostFirst) {
        this(layersTopmostFirst, LayeredRootfsReader::xattrOpaque);
    }

    public LayeredRootfsReader(List<Path> layersTopmostFirst, OpaqueTest opaque) {
        if (layersTopmostFirst == null || layersTopmostFirst.isEmpty()) {
            throw new InvalidArgumentException("layered rootfs: no layer directories given");
        }
        this.layers = List.copyOf(layersTopmostFirst);
        this.opaque = opaque;
    }

    @Override
    public Optional<String> read(String absolutePathInRootfs) {
        if (absolutePathInRootfs == null || !absolutePathInRootfs.startsWith("/")) {
            throw new InvalidArgumentException("rootfs path \"" + absolutePathInRootfs + "\" is not absolute");
        }
        Deque<String> pending = new ArrayDeque<>(components(absolutePathInRootfs));
        List<String> resolved = new ArrayList<>();
        int links = 0;
        // The merged directory at `resolved`: its layer directories, topmost first.
        List<Path> dirs = new ArrayList<>(layers);
        while (!pending.isEmpty()) {
            String name = pending.pollFirst();
            if (name.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                dirs = lookupDir(resolved);
                continue;
            }
            Entry e = lookup(dirs, name);
            if (e == null) {
                return Optional.empty();
            }
            if (e.symlink != null) {
                if (++links > MAX_SYMLINKS) {
                    throw new InvalidArgumentException("rootfs path " + absolutePathInRootfs
                            + ": too many levels of symbolic links");
                }
                String target = readLink(e.symlink);
                List<String> targetParts = components(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    pending.addFirst(targetParts.get(i));
                }
                if (target.startsWith("/")) {
                    resolved.clear();
                    dirs = new ArrayList<>(layers);
                }
                continue;
            }
            if (e.file != null) {
                if (!pending.isEmpty()) {
                    return Optional.empty(); // a file in the middle of the path
                }
                return Optional.of(readFile(e.file));
            }
            resolved.add(name);
            dirs = e.dirs;
        }
        return Optional.empty(); // the path names a directory
    }

    /** What a name in a merged directory is: a file, a symlink, or a merged directory. */
    private record Entry(Path file, Path symlink, List<Path> dirs) {
    }

    private Entry lookup(List<Path> dirs, String name) {
        List<Path> found = new ArrayList<>();
        for (Path dir : dirs) {
            Path p = dir.resolve(name);
            Map<String, Object> attrs = attributes(p);
            if (attrs == null) {
                continue;
            }
            int mode = (Integer) attrs.get("mode");
            boolean isDir = (mode & S_IFMT) == 0040000;
            if (isWhiteout(attrs)) {
                break;
            }
            if (!isDir) {
                if (!found.isEmpty()) {
                    break; // a lower non-directory under an upper directory is hidden
                }
                if ((mode & S_IFMT) == 0120000) {
                    return new Entry(null, p, null);
                }
                if ((mode & S_IFMT) == 0100000) {
                    return new Entry(p, null, null);
                }
                return null; // a device, fifo or socket: not a readable file
            }
            found.add(p);
            if (opaque.isOpaque(p)) {
                break;
            }
        }
        return found.isEmpty() ? null : new Entry(null, null, found);
    }

    /** The merged directory at a path of real directories (used after ".."). */
    private List<Path> lookupDir(List<String> path) {
        List<Path> dirs = new ArrayList<>(layers);
        for (String name : path) {
            Entry e = lookup(dirs, name);
            if (e == null || e.dirs == null) {
                return List.of();
            }
            dirs = e.dirs;
        }
        return dirs;
    }

    private static boolean isWhiteout(Map<String, Object> attrs) {
        int mode = (Integer) attrs.get("mode");
        return (mode & S_IFMT) == S_IFCHR && ((Long) attrs.get("rdev")) == 0L;
    }

    private static Map<String, Object> attributes(Path p) {
        try {
            return Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new PeapodException("cannot stat layer file " + p + ": " + e, e);
        }
    }

    private static String readLink(Path p) {
        try {
            return Files.readSymbolicLink(p).toString();
        } catch (IOException e) {
            throw new PeapodException("cannot read symbolic link " + p + ": " + e, e);
        }
    }

    private static String readFile(Path p) {
        try {
            long size = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
            if (size > MAX_FILE_SIZE) {
                throw new InvalidArgumentException("layer file " + p + " is " + size + " bytes; refusing to read more than "
                        + MAX_FILE_SIZE);
            }
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PeapodException("cannot read layer file " + p + ": " + e, e);
        }
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }

    /** trusted.overlay.opaque (needs root to read) or user.overlay.opaque equal to "y". */
    static boolean xattrOpaque(Path dir) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (view != null && view.list().contains("overlay.opaque")) {
                ByteBuffer buf = ByteBuffer.allocate(view.size("overlay.opaque"));
                view.read("overlay.opaque", buf);
                buf.flip();
                if (isY(StandardCharsets.UTF_8.decode(buf).toString())) {
                    return true;
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no user xattrs on this file system: fall through to trusted.*
        }
        try {
            byte[] v = LinuxSyscalls.get().lgetxattr(dir.toString(), "trusted.overlay.opaque");
            return v != null && isY(new String(v, StandardCharsets.UTF_8));
        } catch (SyscallException e) {
            // EOPNOTSUPP and the like: the file system keeps no such attribute, so nothing is opaque
            return false;
        }
    }

    private static boolean isY(String v) {
        return v.equals("y") || v.equals("y\0");
    }
}
