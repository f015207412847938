package io.peapod.cli.oci;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.Locale;
import java.util.Map;

/** Signal names and numbers as runc's kill accepts them (x86_64 numbering). */
final class Signals {
    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
            Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
            Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    private Signals() {
    }

    /** Parses {@code 9}, {@code KILL}, {@code SIGKILL} or {@code sigkill}; RTMIN+n is accepted too. */
    static int parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        try {
            int n = Integer.parseInt(s);
            if (n > 0 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // a name, below
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        Integer n = BY_NAME.get(s);
        if (n != null) {
            return n;
        }
        if (s.startsWith("RTMIN+") || s.equals("RTMIN")) {
            int off = s.equals("RTMIN") ? 0 : Integer.parseInt(s.substring(6));
            if (34 + off <= 64) {
                return 34 + off;
            }
        }
        throw new InvalidArgumentException("unknown signal \"" + text + "\"");
    }
}
