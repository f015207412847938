package io.peapod.cri.streaming;

import java.nio.charset.StandardCharsets;

/**
 * The {@code metav1.Status} objects remotecommand v4 and later write on the error stream:
 * Success, a non-zero exit code (reason NonZeroExitCode with the code as the ExitCode cause),
 * or a plain failure.
 */
public final class StatusJson {
    private StatusJson() {
    }

    public static byte[] success() {
        return "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] exitCode(int code) {
        if (code == 0) {
            return success();
        }
        return ("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
                + "exit status " + code + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
                + "\"ExitCode\",\"message\":\"" + code + "\"}]}}").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] failure(String message) {
        return ("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + escape(message)
                + "\",\"reason\":\"InternalError\"}").getBytes(StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** The exit code in a Status object, 0 for Success; -1 for a failure without one. */
    public static int exitCodeOf(String json) {
        if (json.contains("\"status\":\"Success\"")) {
            return 0;
        }
        int i = json.indexOf("\"reason\":\"ExitCode\",\"message\":\"");
        if (i < 0) {
            return -1;
        }
        int start = i + "\"reason\":\"ExitCode\",\"message\":\"".length();
        int end = json.indexOf('"', start);
        try {
            return Integer.parseInt(json.substring(start, end));
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
