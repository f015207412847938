package io.peapod.runtime.spec;

import java.util.List;

/** Linux resource limit names and their numbers (asm-generic/resource.h, as on x86_64). */
public final class Rlimits {

    private static final NumberedNames NAMES = new NumberedNames("rlimit type", "rlimit",
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
        "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
        "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
        "RLIMIT_RTTIME");

    private Rlimits() {
    }

    public static List<String> all() {
        return NAMES.all();
    }

    public static boolean isKnown(String name) {
        return NAMES.isKnown(name);
    }

    /** The resource number of {@code RLIMIT_X}; throws for an unknown name. */
    public static int number(String name) {
        return NAMES.number(name);
    }

    public static String name(int number) {
        return NAMES.name(number);
    }
}
