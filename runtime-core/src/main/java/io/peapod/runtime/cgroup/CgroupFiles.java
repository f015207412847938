package io.peapod.runtime.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading and writing cgroupfs files with errors that name the file and the value. */
public final class CgroupFiles {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupFiles.class);
    /** The v1 memory controller's "unlimited" (PAGE_COUNTER_MAX on 4 KiB pages) and anything above. */
    private static final long V1_UNLIMITED = 9223372036854771712L;

    private CgroupFiles() {
    }

    /**
     * Checks a cgroup path given by a caller and returns it without leading/trailing slashes. The root
     * cgroup itself, {@code .}/{@code ..} components and empty components are refused.
     */
    public static String normalize(String path) {
        if (path == null) {
            throw new IllegalArgumentException("cgroup path is missing");
        }
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("cgroup path '" + path + "' names the root cgroup");
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("cgroup path '" + path + "' is invalid: component '" + part
                        + "' is not allowed");
            }
        }
        return p;
    }

    /** Writes {@code value} to an existing cgroup file (the kernel creates them; so do the tests). */
    public static void write(Path file, String value) {
        LOG.debug("cgroup write {} <- {}", file, value);
        try {
            Files.write(file, value.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": the file does not exist", e);
        } catch (IOException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": " + reason(e), e);
        }
    }

    public static void write(Path file, long value) {
        write(file, Long.toString(value));
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new CgroupException("cannot read " + file + ": the file does not exist", e);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + reason(e), e);
        }
    }

    /** A number, with the kernel's spellings of unlimited ("max", v1's page-counter maximum) as -1. */
    public static long readLimit(Path file) {
        String s = read(file);
        if (s.equals("max")) {
            return -1;
        }
        long v = parseLong(file, s);
        return v >= V1_UNLIMITED ? -1 : v;
    }

    public static long readLong(Path file) {
        return parseLong(file, read(file));
    }

    /** Reads a flat keyed file ("key value" per line, as memory.stat, cpu.stat, memory.events). */
    public static Map<String, Long> readKeyed(Path file) {
        Map<String, Long> values = new HashMap<>();
        for (String line : read(file).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    // non-numeric entries (freezer states, "max") are not counters
                }
            }
        }
        return values;
    }

    private static long parseLong(Path file, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CgroupException(file + " holds '" + s + "', not a number", e);
        }
    }

    /** The pids in {@code dir}'s cgroup.procs and those of every descendant cgroup. */
    public static Set<Integer> pidsRecursive(Path dir) {
        Set<Integer> pids = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return pids;
        }
        for (Path d : directoriesChildrenFirst(dir)) {
            Path procs = d.resolve("cgroup.procs");
            String text;
            try {
                text = Files.readString(procs, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue; // removed meanwhile
            } catch (IOException e) {
                throw new CgroupException("cannot read " + procs + ": " + reason(e), e);
            }
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
        }
        return pids;
    }

    /** {@code dir} and every directory below it, deepest first; empty when {@code dir} is missing. */
    public static List<Path> directoriesChildrenFirst(Path dir) {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isDirectory).forEach(dirs::add);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | java.io.UncheckedIOException e) {
            if (!Files.exists(dir)) {
                return List.of();
            }
            throw new CgroupException("cannot list cgroup " + dir + ": " + e.getMessage(), e);
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return dirs;
    }

    /**
     * Removes the cgroup directory {@code dir} and its descendants, children first. rmdir of a cgroup fails
     * with EBUSY while exiting processes are still accounted to it, so each rmdir is retried for
     * {@code timeoutMillis}. A missing directory is fine.
     */
    public static void removeTree(Path dir, long timeoutMillis) {
        for (Path d : directoriesChildrenFirst(dir)) {
            rmdir(d, timeoutMillis);
        }
    }

    private static void rmdir(Path dir, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long sleep = 5;
        while (true) {
            try {
                Files.delete(dir);
                LOG.debug("cgroup rmdir {}", dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (DirectoryNotEmptyException e) {
                throw new CgroupException("cannot remove cgroup " + dir + ": it is not empty (a child cgroup or,"
                        + " outside cgroupfs, a regular file remains)", e);
            } catch (FileSystemException e) {
                if (System.nanoTime() > deadline) {
                    throw new CgroupException("cannot remove cgroup " + dir + ": " + reason(e)
                            + (Files.exists(dir.resolve("cgroup.procs"))
                                ? "; processes still in it: " + pidsRecursive(dir) : ""), e);
                }
            } catch (IOException e) {
                throw new CgroupException("cannot remove cgroup " + dir + ": " + reason(e), e);
            }
            sleepMillis(sleep);
            sleep = Math.min(sleep * 2, 50);
        }
    }

    /** Creates {@code root/relative} one level at a time and returns the directories it created, top first. */
    public static List<Path> createDirectories(Path root, String relative) {
        List<Path> created = new ArrayList<>();
        Path current = root;
        for (String part : relative.split("/")) {
            current = current.resolve(part);
            if (Files.isDirectory(current)) {
                continue;
            }
            try {
                Files.createDirectory(current);
                LOG.debug("cgroup mkdir {}", current);
                created.add(current);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(current)) {
                    throw new CgroupException("cannot create cgroup " + current + ": a file is in the way", e);
                }
            } catch (IOException e) {
                throw new CgroupException("cannot create cgroup " + current + ": " + reason(e), e);
            }
        }
        return created;
    }

    /** Removes directories returned by {@link #createDirectories}, deepest first, logging what fails. */
    public static void undoCreate(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                removeTree(created.get(i), 1000);
            } catch (RuntimeException e) {
                LOG.warn("cleaning up cgroup {} after a failed create: {}", created.get(i), e.getMessage());
            }
        }
    }

    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for the cgroup filesystem", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
