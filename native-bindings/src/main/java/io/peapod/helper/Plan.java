package io.peapod.helper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builder of a helper plan (native-bindings/src/main/c/PLAN.md): the literal list of
 * steps the helper executes for one container or exec'd process. Java decides every
 * value; the helper has no defaults beyond those PLAN.md states. Mount flags are the
 * numeric {@code io.peapod.sys.Syscalls.MS_*} values.
 *
 * <p>Encoding: {@code "PPLAN1\n"}, then records of a u32 little-endian length followed
 * by the op and its fields, each NUL-terminated.
 */
public final class Plan {
    public static final byte[] MAGIC = "PPLAN1\n".getBytes(StandardCharsets.US_ASCII);

    private static final Pattern OP = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** Namespace types as the helper names them. */
    public enum Namespace {
        USER, PID, NET, IPC, UTS, MNT, CGROUP, TIME;

        String field() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final List<List<String>> records = new ArrayList<>();

    /** Appends one record; fields are text without NUL. */
    public Plan op(String op, String... fields) {
        if (op == null || !OP.matcher(op).matches()) {
            throw new IllegalArgumentException("plan op \"" + op + "\" is not an upper-case name");
        }
        List<String> record = new ArrayList<>(fields.length + 1);
        record.add(op);
        for (String field : fields) {
            if (field == null) {
                throw new IllegalArgumentException("plan op " + op + ": null field");
            }
            if (field.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("plan op " + op + ": field \"" + field.replace('\0', '@')
                        + "\" contains NUL");
            }
            record.add(field);
        }
        records.add(record);
        return this;
    }

    // ---- the process tree

    public Plan id(String id) {
        return op("ID", id);
    }

    public Plan stateDir(Path dir) {
        return op("STATE_DIR", dir.toString());
    }

    public Plan monitor(boolean yes) {
        return op("MONITOR", yes ? "yes" : "no");
    }

    public Plan joinNamespace(Namespace type, Path path) {
        return op("NS_JOIN", type.field(), path.toString());
    }

    public Plan newNamespace(Namespace type) {
        return op("NS_NEW", type.field());
    }

    /** Lines of {@code inside outside count}, written verbatim to uid_map. */
    public Plan uidMap(String map) {
        return op("UID_MAP", map);
    }

    public Plan gidMap(String map) {
        return op("GID_MAP", map);
    }

    public Plan setgroupsDeny() {
        return op("SETGROUPS_DENY");
    }

    public Plan cgroupProcs(Path cgroupProcsFile) {
        return op("CGROUP_PROCS", cgroupProcsFile.toString());
    }

    /** Container fd 0, 1 or 2 opened from a host path. */
    public Plan stdio(int fd, Path path) {
        return op("STDIO", Integer.toString(fd), path.toString());
    }

    /** Container fd 0, 1 or 2 is the helper's own. */
    public Plan stdioInherit(int fd) {
        return op("STDIO", Integer.toString(fd), "-");
    }

    public Plan log(Path criLog) {
        return op("LOG", criLog.toString());
    }

    public Plan logMaxLine(int bytes) {
        return op("LOG_MAX_LINE", Integer.toString(bytes));
    }

    public Plan stdinPipe() {
        return op("STDIN_PIPE");
    }

    public Plan stdinOnce() {
        return op("STDIN_ONCE");
    }

    public Plan tty() {
        return op("TTY");
    }

    public Plan consoleSocket(Path socket) {
        return op("CONSOLE_SOCKET", socket.toString());
    }

    /** The terminal's size before the process starts (needs {@link #tty()}); each side 1…65535. */
    public Plan consoleSize(int rows, int cols) {
        if (rows < 1 || cols < 1 || rows > 0xffff || cols > 0xffff) {
            throw new IllegalArgumentException("console size " + rows + "x" + cols + " is out of range 1…65535");
        }
        return op("CONSOLE_SIZE", Integer.toString(rows), Integer.toString(cols));
    }

    public Plan pidFile(Path file) {
        return op("PID_FILE", file.toString());
    }

    /** {@code true}: wait for {@code start} before execve (OCI create/start split). */
    public Plan startWait(boolean wait) {
        return op("START", wait ? "wait" : "now");
    }

    // ---- the init steps, executed in the order written

    public Plan rootfs(Path hostPath) {
        return op("ROOTFS", hostPath.toString());
    }

    /** mount(2) with host paths; null source/fstype/data are sent as {@code -} (NULL). */
    public Plan mountHost(String source, Path target, String fstype, long flags, String data) {
        return op("MOUNT_HOST", dash(source), target.toString(), dash(fstype), Long.toString(flags), dash(data));
    }

    /** A mount whose destination resolves inside the rootfs; {@code file} creates a file, else a directory. */
    public Plan mount(String source, String dest, String fstype, long flags, String data, boolean file) {
        return op("MOUNT", dash(source), dest, dash(fstype), Long.toString(flags), dash(data), file ? "file" : "dir");
    }

    public Plan mknod(String dest, int mode, int major, int minor, int uid, int gid) {
        return op("MKNOD", dest, "0" + Integer.toOctalString(mode), Integer.toString(major),
                Integer.toString(minor), Integer.toString(uid), Integer.toString(gid));
    }

    public Plan symlink(String target, String dest) {
        return op("SYMLINK", target, dest);
    }

    public Plan propagation(long flags) {
        return op("PROPAGATION", Long.toString(flags));
    }

    public Plan pivotRoot() {
        return op("PIVOT_ROOT");
    }

    public Plan chroot() {
        return op("CHROOT");
    }

    public Plan mask(String path) {
        return op("MASK", path);
    }

    public Plan readonly(String path) {
        return op("READONLY", path);
    }

    public Plan remountReadonly(String path) {
        return op("REMOUNT_RO", path);
    }

    public Plan sysctl(String name, String value) {
        return op("SYSCTL", name, value);
    }

    public Plan hostname(String name) {
        return op("HOSTNAME", name);
    }

    public Plan domainname(String name) {
        return op("DOMAINNAME", name);
    }

    /** setrlimit by resource number; -1 is RLIM_INFINITY. */
    public Plan rlimit(int resource, long soft, long hard) {
        return op("RLIMIT", Integer.toString(resource), Long.toString(soft), Long.toString(hard));
    }

    public Plan oomScoreAdj(int value) {
        return op("OOM_SCORE_ADJ", Integer.toString(value));
    }

    /** Capability masks: bit n is capability number n. */
    public Plan capBounding(long keep) {
        return op("CAP_BOUNDING", hex(keep));
    }

    public Plan keepCaps() {
        return op("KEEPCAPS");
    }

    public Plan setgroups(int... gids) {
        return op("SETGROUPS", java.util.Arrays.stream(gids).mapToObj(Integer::toString)
                .collect(Collectors.joining(",")));
    }

    public Plan setgid(int gid) {
        return op("SETGID", Integer.toString(gid));
    }

    public Plan setuid(int uid) {
        return op("SETUID", Integer.toString(uid));
    }

    public Plan caps(long effective, long permitted, long inheritable) {
        return op("CAPS", hex(effective), hex(permitted), hex(inheritable));
    }

    public Plan capAmbient(long mask) {
        return op("CAP_AMBIENT", hex(mask));
    }

    public Plan noNewPrivs() {
        return op("NO_NEW_PRIVS");
    }

    public Plan umask(int mode) {
        return op("UMASK", "0" + Integer.toOctalString(mode));
    }

    public Plan chdir(String path) {
        return op("CHDIR", path);
    }

    public Plan env(String nameEqualsValue) {
        if (nameEqualsValue.indexOf('=') <= 0) {
            throw new IllegalArgumentException("environment entry \"" + nameEqualsValue + "\" is not NAME=value");
        }
        return op("ENV", nameEqualsValue);
    }

    /** argv, in order; the first is the program. */
    public Plan args(String... argv) {
        for (String arg : argv) {
            op("ARG", arg);
        }
        return this;
    }

    public Plan pathSearch(String path) {
        return op("PATH_SEARCH", path);
    }

    /** A classic BPF program: {@code struct sock_filter[]} in native (little-endian) layout. */
    public Plan seccomp(int flags, byte[] sockFilters) {
        if (sockFilters.length == 0 || sockFilters.length % 8 != 0) {
            throw new IllegalArgumentException("seccomp filter of " + sockFilters.length
                    + " bytes is not a whole number of 8-byte sock_filter entries");
        }
        StringBuilder hex = new StringBuilder(sockFilters.length * 2);
        for (byte b : sockFilters) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return op("SECCOMP", Integer.toString(flags), hex.toString());
    }

    // ---- encoding

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        for (List<String> record : records) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String field : record) {
                body.writeBytes(field.getBytes(StandardCharsets.UTF_8));
                body.write(0);
            }
            int n = body.size();
            out.write(n);
            out.write(n >>> 8);
            out.write(n >>> 16);
            out.write(n >>> 24);
            out.writeBytes(body.toByteArray());
        }
        return out.toByteArray();
    }

    /** Writes the plan atomically (temp file in the same directory, then rename), mode 0600 by umask. */
    public void write(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, encode());
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write helper plan " + file, e);
        }
    }

    /** The records, for logs and tests: {@code OP field field}. */
    @Override
    public String toString() {
        return records.stream().map(r -> String.join(" ", r)).collect(Collectors.joining("\n"));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String hex(long mask) {
        return "0x" + Long.toHexString(mask);
    }
}
