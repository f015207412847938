package io.peapod.helper;

/** A process the helper created: its host pid and its monitor's pid (0 without a monitor). */
public record Created(int pid, int monitorPid) {

    /**
     * Parses the helper's result line: {@code ok PID MONITORPID}, or throws the
     * {@link HelperException} of an {@code error ...} line.
     */
    static Created parse(String line) {
        String stripped = line.strip();
        if (stripped.startsWith("error ")) {
            throw HelperException.parse(stripped);
        }
        String[] parts = stripped.split(" ");
        if (parts.length != 3 || !parts[0].equals("ok")) {
            throw new IllegalStateException("peapod-helper printed an unexpected result line: \"" + stripped + "\"");
        }
        try {
            return new Created(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("peapod-helper printed an unexpected result line: \"" + stripped + "\"", e);
        }
    }
}
