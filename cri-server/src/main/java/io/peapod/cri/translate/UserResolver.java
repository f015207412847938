package io.peapod.cri.translate;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a user string ({@code uid}, {@code uid:gid}, {@code name}, {@code name:group}, either
 * side numeric or a name) against the container's own {@code /etc/passwd} and {@code /etc/group},
 * as containerd and runc's libcontainer do: a numeric uid not in /etc/passwd is used with gid 0, a
 * name that is not there is an error. Supplementary groups are those of /etc/group that list the
 * user's name as a member.
 */
public final class UserResolver {

    static final long UINT32_MAX = 0xffffffffL;

    /** One line of /etc/passwd. */
    public record PasswdEntry(String name, long uid, long gid, String home) {
    }

    /** One line of /etc/group. */
    public record GroupEntry(String name, long gid, List<String> members) {
    }

    /**
     * A resolved user.
     *
     * @param uid      the user id
     * @param gid      the primary group id
     * @param username the user's name when known (from the string or /etc/passwd), else null
     */
    public record ResolvedUser(long uid, long gid, String username) {
    }

    private final String owner;
    private final RootfsReader files;
    private List<PasswdEntry> passwd;
    private List<GroupEntry> groups;

    /**
     * @param owner named in errors, e.g. {@code container "web"}
     * @param files the container's root filesystem
     */
    public UserResolver(String owner, RootfsReader files) {
        this.owner = owner;
        this.files = files;
    }

    /** Resolves a user string; an empty string is root (uid 0 with its /etc/passwd group, else 0). */
    public ResolvedUser resolve(String userString) {
        String spec = userString == null ? "" : userString.trim();
        if (spec.isEmpty()) {
            spec = "0";
        }
        String userPart = spec;
        String groupPart = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            userPart = spec.substring(0, colon);
            groupPart = spec.substring(colon + 1);
            if (userPart.isEmpty() || groupPart.isEmpty() || groupPart.indexOf(':') >= 0) {
                throw new InvalidArgumentException(owner + ": invalid user \"" + userString
                        + "\"; expected uid, uid:gid, name or name:group");
            }
        }
        long uid;
        long gid;
        String username;
        Long numericUid = number(userPart, "user id", userString);
        if (numericUid != null) {
            uid = numericUid;
            Optional<PasswdEntry> entry = passwd().stream().filter(e -> e.uid() == numericUid).findFirst();
            gid = entry.map(PasswdEntry::gid).orElse(0L);
            username = entry.map(PasswdEntry::name).orElse(null);
        } else {
            final String name = userPart;
            PasswdEntry entry = passwd().stream().filter(e -> e.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidArgumentException(owner + ": user \"" + name
                            + "\" (of user \"" + userString + "\") is not in the image's /etc/passwd"));
            uid = entry.uid();
            gid = entry.gid();
            username = entry.name();
        }
        if (groupPart != null) {
            Long numericGid = number(groupPart, "group id", userString);
            if (numericGid != null) {
                gid = numericGid;
            } else {
                final String name = groupPart;
                gid = groups().stream().filter(g -> g.name().equals(name)).findFirst()
                        .orElseThrow(() -> new InvalidArgumentException(owner + ": group \"" + name
                                + "\" (of user \"" + userString + "\") is not in the image's /etc/group"))
                        .gid();
            }
        }
        return new ResolvedUser(uid, gid, username);
    }

    /** The groups of /etc/group that list {@code username} as a member, in file order. */
    public List<Long> memberships(String username) {
        List<Long> out = new ArrayList<>();
        if (username == null) {
            return out;
        }
        for (GroupEntry g : groups()) {
            if (g.members().contains(username) && !out.contains(g.gid())) {
                out.add(g.gid());
            }
        }
        return out;
    }

    /** A decimal id within 0 … 4294967295, null when the text is not all digits (a name). */
    private Long number(String text, String what, String userString) {
        if (!text.chars().allMatch(Character::isDigit)) {
            if (text.startsWith("-") && text.length() > 1 && text.substring(1).chars().allMatch(Character::isDigit)) {
                throw new InvalidArgumentException(owner + ": negative " + what + " " + text + " in user \""
                        + userString + "\"");
            }
            return null;
        }
        try {
            long v = Long.parseLong(text);
            if (v <= UINT32_MAX) {
                return v;
            }
        } catch (NumberFormatException e) {
            // too long for a long: out of range below
        }
        throw new InvalidArgumentException(owner + ": " + what + " " + text + " in user \"" + userString
                + "\" is not within 0…4294967295");
    }

    private List<PasswdEntry> passwd() {
        if (passwd == null) {
            passwd = parsePasswd(files.read("/etc/passwd").orElse(""));
        }
        return passwd;
    }

    private List<GroupEntry> groups() {
        if (groups == null) {
            groups = parseGroup(files.read("/etc/group").orElse(""));
        }
        return groups;
    }

    /** Parses /etc/passwd; comments, blank and malformed lines are skipped as libc does. */
    public static List<PasswdEntry> parsePasswd(String content) {
        List<PasswdEntry> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length < 4 || f[0].isEmpty()) {
                continue;
            }
            Long uid = id(f[2]);
            Long gid = id(f[3]);
            if (uid == null || gid == null) {
                continue;
            }
            out.add(new PasswdEntry(f[0], uid, gid, f.length > 5 ? f[5] : ""));
        }
        return out;
    }

    /** Parses /etc/group; comments, blank and malformed lines are skipped. */
    public static List<GroupEntry> parseGroup(String content) {
        List<GroupEntry> out = new ArrayList<>();
        for (String line : content.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            if (f.length < 3 || f[0].isEmpty()) {
                continue;
            }
            Long gid = id(f[2]);
            if (gid == null) {
                continue;
            }
            List<String> members = new ArrayList<>();
            if (f.length > 3) {
                for (String m : f[3].split(",")) {
                    if (!m.isBlank()) {
                        members.add(m.trim());
                    }
                }
            }
            out.add(new GroupEntry(f[0], gid, List.copyOf(members)));
        }
        return out;
    }

    private static Long id(String text) {
        String t = text.trim();
        if (t.isEmpty() || !t.chars().allMatch(Character::isDigit) || t.length() > 10) {
            return null;
        }
        long v = Long.parseLong(t);
        return v <= UINT32_MAX ? v : null;
    }
}
