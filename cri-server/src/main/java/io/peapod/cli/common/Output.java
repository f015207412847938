package io.peapod.cli.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Rendering: human tables by default, {@code -o json|yaml} for scripts; short ids and relative times. */
public final class Output {
    /** Built on first use: Jackson's start-up cost is paid only by commands that print JSON or YAML. */
    private static final class Mappers {
        static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    }

    public enum Format { table, json, yaml }

    @Option(names = {"-o", "--output"}, description = "table (default), json or yaml", defaultValue = "table")
    public Format format;

    public boolean structured() {
        return format != Format.table;
    }

    /** Prints {@code value} as JSON or YAML. */
    public void print(PrintWriter out, Object value) {
        try {
            out.println((format == Format.yaml ? Mappers.YAML : Mappers.JSON).writeValueAsString(value).stripTrailing());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
        }
        out.flush();
    }

    /** A table with left-aligned columns padded to their widest cell. */
    public static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] widths = new int[header.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i) == null ? 0 : r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i) == null ? "" : r.get(i);
                b.append(cell);
                if (i < r.size() - 1) {
                    b.append(" ".repeat(widths[i] - cell.length() + 3));
                }
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }

    public static String shortId(String id) {
        if (id == null) {
            return "";
        }
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.matches("[0-9a-f]{64}") ? hex.substring(0, 12) : hex;
    }

    /** "3 minutes ago" style, from an RFC 3339 time; "" when unknown. */
    public static String ago(String rfc3339) {
        Duration d = since(rfc3339);
        return d == null ? "" : human(d) + " ago";
    }

    public static Duration since(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return Duration.between(Instant.parse(rfc3339), Instant.now());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** "About a minute", "3 minutes", "2 hours" as docker says it. */
    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 1) {
            return "Less than a second";
        }
        if (s < 60) {
            return s + (s == 1 ? " second" : " seconds");
        }
        long m = s / 60;
        if (m == 1) {
            return "About a minute";
        }
        if (m < 60) {
            return m + " minutes";
        }
        long h = m / 60;
        if (h == 1) {
            return "About an hour";
        }
        if (h < 48) {
            return h + " hours";
        }
        long days = h / 24;
        if (days >= 730) {
            return days / 365 + " years";
        }
        return days < 14 ? days + " days" : days < 120 ? days / 7 + " weeks" : days / 30 + " months";
    }

    public static String bytes(long n) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? n + "B" : String.format(java.util.Locale.ROOT, "%.3g%s", v, units[u]);
    }
}
