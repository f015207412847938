package io.peapod.runtime.spec;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Linux resource limit names and their numbers (asm-generic/resource.h, as on x86_64). */
public final class Rlimits {

    private static final String[] NAMES = {
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
        "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS",
        "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",
        "RLIMIT_RTTIME",
    };

    private static final Map<String, Integer> NUMBERS;

    static {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            m.put(NAMES[i], i);
        }
        NUMBERS = Collections.unmodifiableMap(m);
    }

    private Rlimits() {
    }

    public static List<String> all() {
        return List.of(NAMES);
    }

    public static boolean isKnown(String name) {
        return NUMBERS.containsKey(name);
    }

    /** The resource number of {@code RLIMIT_X}; throws for an unknown name. */
    public static int number(String name) {
        Integer n = NUMBERS.get(name);
        if (n == null) {
            throw new InvalidArgumentException("unknown rlimit type \"" + name + "\"");
        }
        return n;
    }

    public static String name(int number) {
        if (number < 0 || number >= NAMES.length) {
            throw new InvalidArgumentException("unknown rlimit number " + number);
        }
        return NAMES[number];
    }
}
