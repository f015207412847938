package io.peapod.cli.oci;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import picocli.CommandLine;

/**
 * Entry point of {@code peapod oci} and {@code peapod-oci}. Errors go to stderr (and to
 * --log when given) in runc's shape: a logrus-style line, or JSON with --log-format json;
 * the exit code is 1, as runc's.
 */
public final class OciMain {
    private OciMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        OciCommand root = new OciCommand();
        CommandLine cl = new CommandLine(root);
        cl.setCommandName("peapod oci");
        // as runc's: options end at the first positional, so `exec ID sh -c …` keeps its -c
        cl.getSubcommands().get("exec").setStopAtPositional(true);
        cl.getSubcommands().get("ps").setStopAtPositional(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            report(root, e);
            return 1;
        });
        return cl.execute(args);
    }

    private static void report(OciCommand root, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        String line;
        if ("json".equals(root.logFormat)) {
            line = "{\"level\":\"error\",\"msg\":" + quote(message) + ",\"time\":\"" + Instant.now() + "\"}";
        } else {
            line = "ERRO[0000] " + message;
        }
        PrintStream err = System.err;
        err.println(line);
        if (root.log != null) {
            try {
                Files.writeString(root.log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the error already went to stderr
            }
        }
        if (root.debug) {
            e.printStackTrace(err);
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
