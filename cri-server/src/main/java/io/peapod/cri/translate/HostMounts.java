package io.peapod.cri.translate;

import io.peapod.runtime.errors.PeapodException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's mount table ({@code /proc/self/mountinfo}), to tell the propagation of the mount a
 * bind source lives on: a bidirectional CRI mount needs a shared host mount and a host-to-container
 * one a shared or slave mount, or propagation silently does nothing (containerd refuses both).
 */
public final class HostMounts {

    /** The propagation of a host mount. */
    public enum Propagation { SHARED, SLAVE, PRIVATE }

    /** One line of mountinfo: mount point and its propagation. */
    public record Entry(String mountPoint, Propagation propagation) {
    }

    private final List<Entry> entries;

    private HostMounts(List<Entry> entries) {
        this.entries = entries;
    }

    /** This process's mount table. */
    public static HostMounts current() {
        try {
            return parse(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new PeapodException("cannot read /proc/self/mountinfo: " + e, e);
        }
    }

    /** Parses mountinfo text (proc(5)); malformed lines are skipped. */
    public static HostMounts parse(String mountinfo) {
        List<Entry> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 7) {
                continue;
            }
            Propagation p = Propagation.PRIVATE;
            for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
                if (f[i].startsWith("shared:")) {
                    p = Propagation.SHARED;
                } else if (f[i].startsWith("master:") && p != Propagation.SHARED) {
                    p = Propagation.SLAVE;
                }
            }
            out.add(new Entry(unescape(f[4]), p));
        }
        return new HostMounts(out);
    }

    /**
     * The mount point a path lives on (the longest mount point that is the path or one of its
     * parents; of several mounts stacked on it, the last), or null when the table has none.
     */
    public Entry mountOf(Path path) {
        Path p = path.toAbsolutePath().normalize();
        Entry best = null;
        int bestLength = -1;
        for (Entry e : entries) {
            Path mp = Path.of(e.mountPoint());
            if (p.startsWith(mp) && mp.getNameCount() >= bestLength) {
                best = e;
                bestLength = mp.getNameCount();
            }
        }
        return best;
    }

    /** \040 and the like: mountinfo escapes space, tab, newline and backslash in octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                    && s.substring(i + 1, i + 4).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
