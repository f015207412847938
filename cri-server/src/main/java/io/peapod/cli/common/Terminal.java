package io.peapod.cli.common;

/**
 * The terminal of the person running a command: where {@code exec -t} reads its size and
 * which it puts in raw mode. For a command a daemon runs on a client's behalf, it is the
 * client's terminal, reached through the client.
 */
public interface Terminal {
    /** Restores the terminal's previous mode. */
    interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /** Told the terminal's new size when the person resizes their window. */
    interface ResizeListener {
        void resized(int rows, int columns);
    }

    /** The caller has no terminal (its stdin or stdout is a pipe or a file). */
    Terminal NONE = new Terminal() {
        @Override
        public int[] size() {
            return null;
        }

        @Override
        public Restore raw() {
            return () -> { };
        }

        @Override
        public Restore watchSize(ResizeListener listener) {
            return () -> { };
        }

        @Override
        public boolean present() {
            return false;
        }
    };

    /** False when the caller has no terminal: its stdin or stdout is not one. */
    default boolean present() {
        return true;
    }

    /** {rows, columns}, or null when the caller has no terminal. */
    int[] size();

    /** Puts the terminal in raw mode (no echo, no line editing, no signals from keys) until closed. */
    Restore raw();

    /** Calls {@code listener} on every change of the terminal's size, until closed. */
    Restore watchSize(ResizeListener listener);
}
