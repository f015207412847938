package io.peapod.runtime.cgroup;

/**
 * One device cgroup rule in the order the OCI spec lists them ({@code linux.resources.devices[]}): allow or
 * deny {@code access} to devices of {@code type} with {@code major}:{@code minor}.
 *
 * <p>{@code type} is {@code 'a'} (all devices), {@code 'c'} or {@code 'b'}; {@link #WILDCARD} stands for any
 * number. {@code access} is a bit set in the kernel's BPF encoding ({@link #MKNOD}, {@link #READ},
 * {@link #WRITE}), so the v2 filter can compare it directly. A rule for all types resets the whole policy (that
 * is all the kernel can do with one), so it must not name numbers or a partial access: the kernel would
 * silently widen such a rule to every device.
 */
public record DeviceRule(boolean allow, char type, long major, long minor, int access) {
    public static final long WILDCARD = -1;
    public static final int MKNOD = 1;
    public static final int READ = 2;
    public static final int WRITE = 4;
    public static final int ALL_ACCESS = MKNOD | READ | WRITE;
    /** Device numbers are u32 to the kernel; the BPF filter compares them as signed 32-bit immediates. */
    private static final long MAX_NUMBER = Integer.MAX_VALUE;

    public DeviceRule {
        if (type != 'a' && type != 'c' && type != 'b') {
            throw new IllegalArgumentException("device rule type '" + type + "' is invalid (expected a, c or b)");
        }
        checkNumber("major", major);
        checkNumber("minor", minor);
        if (access <= 0 || access > ALL_ACCESS) {
            throw new IllegalArgumentException("device rule access " + access + " is invalid");
        }
        if (type == 'a' && (major != WILDCARD || minor != WILDCARD || access != ALL_ACCESS)) {
            throw new IllegalArgumentException("device rule for all devices '" + describe(allow, type, major, minor,
                    access) + "' cannot name numbers or a partial access; use type c or b for that");
        }
    }

    private static void checkNumber(String what, long n) {
        if (n != WILDCARD && (n < 0 || n > MAX_NUMBER)) {
            throw new IllegalArgumentException("device rule " + what + " " + n + " is invalid (0.." + MAX_NUMBER
                    + " or all)");
        }
    }

    /** The rule for all devices: everything allowed ({@code true}) or denied. */
    public static DeviceRule all(boolean allow) {
        return new DeviceRule(allow, 'a', WILDCARD, WILDCARD, ALL_ACCESS);
    }

    /**
     * From the OCI fields: a missing type is all devices, a missing (or -1) number any number, a missing or
     * empty access all of r, w and m.
     */
    public static DeviceRule fromOci(boolean allow, String type, Long major, Long minor, String access) {
        char t;
        if (type == null || type.equals("a")) {
            t = 'a';
        } else if (type.equals("c") || type.equals("b")) {
            t = type.charAt(0);
        } else {
            throw new IllegalArgumentException("device rule type '" + type + "' is invalid (expected a, c or b)");
        }
        long maj = major == null ? WILDCARD : major;
        long min = minor == null ? WILDCARD : minor;
        int acc = access == null || access.isEmpty() ? ALL_ACCESS : parseAccess(access);
        return new DeviceRule(allow, t, maj, min, acc);
    }

    /** "rwm" or any part of it to the access bits. */
    public static int parseAccess(String access) {
        int bits = 0;
        for (char ch : access.toCharArray()) {
            int bit = switch (ch) {
                case 'r' -> READ;
                case 'w' -> WRITE;
                case 'm' -> MKNOD;
                default -> throw new IllegalArgumentException("device access '" + access
                        + "' is not a combination of r, w and m");
            };
            bits |= bit;
        }
        return bits;
    }

    /** The access bits as the kernel prints them, in the order r, w, m. */
    public static String accessString(int access) {
        StringBuilder s = new StringBuilder(3);
        if ((access & READ) != 0) {
            s.append('r');
        }
        if ((access & WRITE) != 0) {
            s.append('w');
        }
        if ((access & MKNOD) != 0) {
            s.append('m');
        }
        return s.toString();
    }

    /** The line for devices.allow/devices.deny: {@code a}, or e.g. {@code c 1:3 rwm}, {@code c 136:* rwm}. */
    public String v1Line() {
        if (type == 'a') {
            return "a";
        }
        return type + " " + number(major) + ":" + number(minor) + " " + accessString(access);
    }

    private static String number(long n) {
        return n == WILDCARD ? "*" : Long.toString(n);
    }

    private static String describe(boolean allow, char type, long major, long minor, int access) {
        return (allow ? "allow " : "deny ") + type + " " + number(major) + ":" + number(minor) + " "
                + accessString(access);
    }

    @Override
    public String toString() {
        return describe(allow, type, major, minor, access);
    }
}
