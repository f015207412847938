package io.peapod.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The exit file the monitor writes atomically into the state directory when the
 * container ends: {@code status WAITSTATUS\nfinished UNIX_NANOS\n}.
 */
public final class ExitFile {
    public static final String NAME = "exit";

    private ExitFile() {
    }

    /** The exit status, or empty while the container has not ended (no file yet). */
    public static Optional<ExitStatus> read(Path stateDir) {
        Path file = stateDir.resolve(NAME);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read exit file " + file, e);
        }
        return Optional.of(parse(file, text));
    }

    static ExitStatus parse(Path file, String text) {
        Integer status = null;
        Long finished = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] kv = line.split(" ", 2);
            try {
                if (kv.length == 2 && kv[0].equals("status")) {
                    status = Integer.parseInt(kv[1]);
                } else if (kv.length == 2 && kv[0].equals("finished")) {
                    finished = Long.parseLong(kv[1]);
                } else {
                    throw new IllegalStateException("exit file " + file + ": unexpected line \"" + line + "\"");
                }
            } catch (NumberFormatException e) {
                throw new IllegalStateException("exit file " + file + ": bad number in \"" + line + "\"", e);
            }
        }
        if (status == null || finished == null) {
            throw new IllegalStateException("exit file " + file + " lacks " + (status == null ? "status" : "finished")
                    + ": \"" + text + "\"");
        }
        return new ExitStatus(status, Instant.ofEpochSecond(0, finished));
    }
}
