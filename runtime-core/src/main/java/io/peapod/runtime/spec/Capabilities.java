package io.peapod.runtime.spec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Linux capability names and numbers (include/uapi/linux/capability.h), and 64-bit masks of
 * them as used by capget/capset and /proc/PID/status ({@code CapEff} …).
 */
public final class Capabilities {

    private static final NumberedNames NAMES = new NumberedNames("capability", "capability",
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
        "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE");

    /** The highest capability number known here. */
    public static final int LAST_CAP = NAMES.size() - 1;

    private Capabilities() {
    }

    /** All capability names in number order. */
    public static List<String> all() {
        return NAMES.all();
    }

    public static boolean isKnown(String name) {
        return NAMES.isKnown(name);
    }

    /** The number of a capability given as {@code CAP_X}; throws for an unknown name. */
    public static int number(String name) {
        return NAMES.number(name);
    }

    /** The name of capability number n; throws for a number outside 0 … LAST_CAP. */
    public static String name(int number) {
        return NAMES.name(number);
    }

    /** The bit mask with one bit per named capability. */
    public static long mask(Collection<String> names) {
        long mask = 0;
        if (names != null) {
            for (String name : names) {
                mask |= 1L << number(name);
            }
        }
        return mask;
    }

    /** The names of the bits set in mask, in number order; bits above LAST_CAP are ignored. */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i <= LAST_CAP; i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(NAMES.name(i));
            }
        }
        return out;
    }

    /** A mask with every known capability set. */
    public static long fullMask() {
        return (1L << (LAST_CAP + 1)) - 1;
    }
}
