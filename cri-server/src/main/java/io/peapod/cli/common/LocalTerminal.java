package io.peapod.cli.common;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** This process's controlling terminal, driven with stty(1) on /dev/tty. */
public final class LocalTerminal implements Terminal {
    private static final File TTY = new File("/dev/tty");

    /** True when stdin and stdout are both a terminal. */
    public static boolean interactive() {
        return System.console() != null;
    }

    @Override
    public boolean present() {
        return interactive();
    }

    @Override
    public int[] size() {
        if (!interactive()) {
            return null;
        }
        String[] parts = stty("size").trim().split(" ");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public Restore raw() {
        if (!interactive()) {
            return () -> { };
        }
        String saved = stty("-g").trim();
        stty("raw", "-echo");
        return () -> {
            if (!saved.isEmpty()) {
                stty(saved);
            }
        };
    }

    /** On SIGWINCH, which the kernel sends this process when its terminal's window changes size. */
    @Override
    @SuppressWarnings("removal")
    public Restore watchSize(ResizeListener listener) {
        if (!interactive()) {
            return () -> { };
        }
        sun.misc.Signal winch = new sun.misc.Signal("WINCH");
        sun.misc.SignalHandler before = sun.misc.Signal.handle(winch, signal -> {
            try {
                int[] s = size();
                if (s != null) {
                    listener.resized(s[0], s[1]);
                }
            } catch (RuntimeException e) {
                // the process it resizes ended meanwhile
            }
        });
        return () -> sun.misc.Signal.handle(winch, before);
    }

    /** Runs stty on the terminal; its output, or "" when it failed (the reason goes to stderr). */
    private static String stty(String... args) {
        List<String> argv = new ArrayList<>(List.of("stty"));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectInput(TTY).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                System.err.println("peapod: stty " + String.join(" ", args) + ": " + out.trim());
                return "";
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while running stty"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run stty on /dev/tty: " + e.getMessage(), e);
        }
    }
}
