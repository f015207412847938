package io.peapod.cli.common;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reads a CRI-format log ({@code <RFC3339Nano> <stdout|stderr> <P|F> <text>}) back into the
 * streams it came from, joining partial lines.
 */
public final class CriLog {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean timestamps;
    private final Instant since;
    private final StringBuilder partialOut = new StringBuilder();
    private final StringBuilder partialErr = new StringBuilder();

    public CriLog(PrintWriter out, PrintWriter err, boolean timestamps, Instant since) {
        this.out = out;
        this.err = err;
        this.timestamps = timestamps;
        this.since = since;
    }

    /** Prints the log's last {@code tail} lines (all when negative); with {@code follow}, keeps printing until it is false. */
    public void print(Path log, int tail, BooleanSupplier follow) throws IOException, InterruptedException {
        if (!Files.exists(log)) {
            if (follow == null) {
                return;
            }
            while (!Files.exists(log) && follow.getAsBoolean()) {
                Thread.sleep(50);
            }
            if (!Files.exists(log)) {
                return;
            }
        }
        long pos = 0;
        if (tail >= 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> complete = new ArrayList<>();
            for (String l : lines) {
                complete.add(l);
            }
            for (String l : complete.subList(Math.max(0, complete.size() - tail), complete.size())) {
                line(l);
            }
            pos = Files.size(log);
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(pos);
            StringBuilder pending = new StringBuilder();
            byte[] buf = new byte[65536];
            while (true) {
                int n = f.read(buf);
                if (n > 0) {
                    pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    int nl;
                    while ((nl = pending.indexOf("\n")) >= 0) {
                        line(pending.substring(0, nl));
                        pending.delete(0, nl + 1);
                    }
                    continue;
                }
                out.flush();
                err.flush();
                if (follow == null || !follow.getAsBoolean()) {
                    // one last read: the writer may have finished between our read and the check
                    if (follow != null && (n = f.read(buf)) > 0) {
                        f.seek(f.getFilePointer() - n);
                        continue;
                    }
                    break;
                }
                Thread.sleep(50);
            }
        }
        out.flush();
        err.flush();
    }

    private void line(String l) {
        String[] parts = l.split(" ", 4);
        if (parts.length < 3) {
            return;
        }
        if (since != null) {
            try {
                if (Instant.parse(parts[0]).isBefore(since)) {
                    return;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // not a CRI line: show it
            }
        }
        boolean isErr = parts[1].equals("stderr");
        StringBuilder partial = isErr ? partialErr : partialOut;
        partial.append(parts.length > 3 ? parts[3] : "");
        if (parts[2].equals("P")) {
            return;
        }
        PrintWriter w = isErr ? err : out;
        w.println(timestamps ? parts[0] + " " + partial : partial.toString());
        partial.setLength(0);
    }
}
