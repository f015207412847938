package io.peapod.helper;

/**
 * The helper reported {@code error STEP SYSCALL ERRNO TEXT}: the first plan step that failed,
 * the system call, its errno and the helper's description.
 */
public final class HelperException extends RuntimeException {
    private final String step;
    private final String syscall;
    private final int errno;
    private final String text;

    public HelperException(String step, String syscall, int errno, String text) {
        super("peapod-helper step " + step + " failed: " + syscall + " errno " + errno + ": " + text);
        this.step = step;
        this.syscall = syscall;
        this.errno = errno;
        this.text = text;
    }

    /**
     * Parses an {@code error ...} result line.
     *
     * @throws IllegalArgumentException if the line is not an error line
     */
    public static HelperException parse(String line) {
        String[] parts = line.strip().split(" ", 5);
        if (parts.length < 4 || !parts[0].equals("error")) {
            throw new IllegalArgumentException("not a peapod-helper error line: \"" + line.strip() + "\"");
        }
        int errno;
        try {
            errno = Integer.parseInt(parts[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peapod-helper error line has errno \"" + parts[3] + "\": " + line, e);
        }
        return new HelperException(parts[1], parts[2], errno, parts.length == 5 ? parts[4] : "");
    }

    /** The plan op or phase that failed, e.g. {@code MOUNT}, {@code EXEC}, {@code PLAN}. */
    public String step() {
        return step;
    }

    /** The failing system call, {@code -} when none (e.g. a malformed plan). */
    public String syscall() {
        return syscall;
    }

    /** The errno of the failing call, 0 when none. */
    public int errno() {
        return errno;
    }

    /** The helper's own description of the failure. */
    public String text() {
        return text;
    }
}
