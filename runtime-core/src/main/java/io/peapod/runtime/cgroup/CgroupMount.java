package io.peapod.runtime.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One cgroup filesystem mount from /proc/self/mountinfo. For v1, {@code controllers} holds the controllers
 * bound to the hierarchy ("cpu", "cpuacct", …) and named hierarchies as "name=systemd"; for v2 it is empty.
 */
public record CgroupMount(Path mountPoint, String root, boolean v2, Set<String> controllers) {
    /** Controllers the v1 kernel knows; other super options (rw, xattr, release_agent=…) are not controllers. */
    public static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices",
            "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

    public CgroupMount {
        controllers = Set.copyOf(controllers);
    }

    /** The cgroup and cgroup2 mounts in a mountinfo text, in mount order. */
    public static List<CgroupMount> parseMountinfo(String mountinfo) {
        List<CgroupMount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                throw new IllegalArgumentException("mountinfo line has no ' - ' separator: " + line);
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 6 || post.length < 3) {
                throw new IllegalArgumentException("mountinfo line is malformed: " + line);
            }
            String fstype = post[0];
            if (!fstype.equals("cgroup") && !fstype.equals("cgroup2")) {
                continue;
            }
            Set<String> controllers = new LinkedHashSet<>();
            if (fstype.equals("cgroup")) {
                for (String option : post[2].split(",")) {
                    if (V1_CONTROLLERS.contains(option) || option.startsWith("name=")) {
                        controllers.add(option);
                    }
                }
            }
            mounts.add(new CgroupMount(Path.of(unescape(pre[4])), unescape(pre[3]), fstype.equals("cgroup2"),
                    controllers));
        }
        return mounts;
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                    && s.substring(i + 1, i + 4).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
