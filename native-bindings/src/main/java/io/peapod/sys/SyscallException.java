package io.peapod.sys;

import java.util.Arrays;
import java.util.stream.Collectors;

/** A failed libc call: which call, its errno (symbolic and text) and the arguments it was given. */
public final class SyscallException extends RuntimeException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno, String errnoText, Object... arguments) {
        super(call + "(" + Arrays.stream(arguments).map(SyscallException::render).collect(Collectors.joining(", "))
                + ") failed: " + Errno.name(errno) + " (" + errnoText + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    private static String render(Object argument) {
        if (argument == null) {
            return "NULL";
        }
        if (argument instanceof String) {
            return "\"" + argument + "\"";
        }
        if (argument instanceof Long && ((Long) argument) > 0xffff) {
            return "0x" + Long.toHexString((Long) argument);
        }
        return String.valueOf(argument);
    }
}
