package io.peapod.kube;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities: {@code 128Mi}, {@code 1G}, {@code 500m}, {@code 1.5}, {@code 1e3}. */
public final class Quantities {
    private static final Pattern FORMAT = Pattern.compile("([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");
    private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")));

    private Quantities() {
    }

    /** The quantity's value; throws IllegalArgumentException naming the text when it is not one. */
    public static BigDecimal parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a quantity (e.g. 128Mi, 1G, 500m, 2)");
        }
        BigDecimal v;
        try {
            v = new BigDecimal(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a quantity (e.g. 128Mi, 1G, 500m, 2)");
        }
        if (v.signum() < 0) {
            throw new IllegalArgumentException("quantity \"" + text + "\" is negative");
        }
        return m.group(2) == null ? v : v.multiply(SUFFIX.get(m.group(2)));
    }

    /** Bytes, rounded up. */
    public static long bytes(String text) {
        return parse(text).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    /** CPUs in millicores, rounded up. */
    public static long milliCpus(String text) {
        return parse(text).movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }
}
