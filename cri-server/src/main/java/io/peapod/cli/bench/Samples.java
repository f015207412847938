package io.peapod.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latency samples of one thing measured, in nanoseconds, with the percentiles a table shows. */
public final class Samples {
    private final String name;
    private final List<Long> nanos = new ArrayList<>();

    public Samples(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void add(long ns) {
        nanos.add(ns);
    }

    public int count() {
        return nanos.size();
    }

    /** The q-quantile (0..1) in milliseconds, nearest-rank. */
    public double percentileMillis(double q) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1e6;
    }

    public static String header() {
        return String.format("%-34s %6s %10s %10s %10s %10s", "WHAT", "RUNS", "MEDIAN ms", "P90 ms", "P99 ms",
                "MIN ms");
    }

    public String row() {
        return String.format("%-34s %6d %10.2f %10.2f %10.2f %10.2f", name, count(), percentileMillis(0.5),
                percentileMillis(0.9), percentileMillis(0.99), percentileMillis(0));
    }
}
