package io.peapod.runtime.container;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.sys.Syscalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The options of an OCI mount, split as mount(2) needs them: flags for the mount
 * call, propagation flags for a separate call, and the rest as the data string.
 *
 * @param flags       MS_* flags for the mount (bind, nosuid, ...)
 * @param propagation MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (with MS_REC), 0 for none
 * @param data        file-system specific options joined by commas, empty for none
 * @param readonlyBind a bind mount asked to be read-only: needs a remount after the bind
 */
public record MountOptions(long flags, long propagation, String data, boolean readonlyBind) {
    private static final long MS_UNBINDABLE = 1L << 17;
    private static final long MS_SYNCHRONOUS = 16L;
    private static final long MS_MANDLOCK = 64L;
    private static final long MS_DIRSYNC = 128L;
    private static final long MS_NOATIME = 1024L;
    private static final long MS_NODIRATIME = 2048L;
    private static final long MS_RELATIME = 1L << 21;
    private static final long MS_STRICTATIME = 1L << 24;
    private static final long MS_NOSYMFOLLOW = 256L;

    private record Flag(boolean clear, long value) {
    }

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(false, Syscalls.MS_RDONLY)),
            Map.entry("rw", new Flag(true, Syscalls.MS_RDONLY)),
            Map.entry("nosuid", new Flag(false, Syscalls.MS_NOSUID)),
            Map.entry("suid", new Flag(true, Syscalls.MS_NOSUID)),
            Map.entry("nodev", new Flag(false, Syscalls.MS_NODEV)),
            Map.entry("dev", new Flag(true, Syscalls.MS_NODEV)),
            Map.entry("noexec", new Flag(false, Syscalls.MS_NOEXEC)),
            Map.entry("exec", new Flag(true, Syscalls.MS_NOEXEC)),
            Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)),
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
            Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
            Map.entry("remount", new Flag(false, Syscalls.MS_REMOUNT)),
            Map.entry("mand", new Flag(false, MS_MANDLOCK)),
            Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
            Map.entry("atime", new Flag(true, MS_NOATIME)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)),
            Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)),
            Map.entry("norelatime", new Flag(true, MS_RELATIME)),
            Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)),
            Map.entry("nosymfollow", new Flag(false, MS_NOSYMFOLLOW)),
            Map.entry("symfollow", new Flag(true, MS_NOSYMFOLLOW)),
            Map.entry("bind", new Flag(false, Syscalls.MS_BIND)),
            Map.entry("rbind", new Flag(false, Syscalls.MS_BIND | Syscalls.MS_REC)));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", Syscalls.MS_PRIVATE,
            "rprivate", Syscalls.MS_PRIVATE | Syscalls.MS_REC,
            "shared", Syscalls.MS_SHARED,
            "rshared", Syscalls.MS_SHARED | Syscalls.MS_REC,
            "slave", Syscalls.MS_SLAVE,
            "rslave", Syscalls.MS_SLAVE | Syscalls.MS_REC,
            "unbindable", MS_UNBINDABLE,
            "runbindable", MS_UNBINDABLE | Syscalls.MS_REC);

    /** Every option name {@link #parse} understands (flags and propagation), for runc's features. */
    public static java.util.SortedSet<String> knownOptions() {
        java.util.SortedSet<String> all = new java.util.TreeSet<>(FLAGS.keySet());
        all.addAll(PROPAGATION.keySet());
        return all;
    }

    /**
     * Parses the options of the mount at {@code destination} (named in errors).
     * Recursive attribute options (rro, rnosuid, ...) need mount_setattr, which the
     * helper does not do: they are refused by name rather than dropped.
     */
    public static MountOptions parse(String destination, List<String> options) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        if (options != null) {
            for (String option : options) {
                Flag f = FLAGS.get(option);
                Long p = PROPAGATION.get(option);
                if (f != null) {
                    flags = f.clear() ? flags & ~f.value() : flags | f.value();
                } else if (p != null) {
                    propagation = p;
                } else if (option.equals("tmpcopyup") || option.equals("idmap") || option.equals("ridmap")
                        || (option.startsWith("r") && FLAGS.containsKey(option.substring(1))
                            && !option.equals("rw") && !option.equals("rbind"))) {
                    throw new InvalidArgumentException("mount " + destination + ": option \"" + option
                            + "\" is not supported by peapod");
                } else if (option.isEmpty()) {
                    throw new InvalidArgumentException("mount " + destination + ": empty mount option");
                } else {
                    data.add(option);
                }
            }
        }
        boolean bind = (flags & Syscalls.MS_BIND) != 0;
        boolean readonlyBind = bind && (flags & Syscalls.MS_RDONLY) != 0;
        return new MountOptions(flags, propagation, String.join(",", data), readonlyBind);
    }

    public boolean isBind() {
        return (flags & Syscalls.MS_BIND) != 0;
    }

    /** Flags for the read-only remount that must follow a bind (the kernel ignores MS_RDONLY on MS_BIND). */
    public long remountFlags() {
        return Syscalls.MS_REMOUNT | Syscalls.MS_BIND | (flags & ~(Syscalls.MS_REC | Syscalls.MS_REMOUNT));
    }
}
