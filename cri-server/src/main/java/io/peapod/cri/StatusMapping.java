package io.peapod.cri;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * The one place where an exception becomes a gRPC status.
 *
 * <p>The runtime's error kinds ({@code io.peapod.runtime.errors.NotFoundException} and its
 * siblings) are matched by simple class name along the superclass chain, so this module needs no
 * compile-time dependency on them and subclasses such as a {@code ContainerNotFoundException}
 * map like their parent.
 */
public final class StatusMapping {
    private static final Map<String, Status.Code> BY_SIMPLE_NAME = Map.of(
            "NotFoundException", Status.Code.NOT_FOUND,
            "AlreadyExistsException", Status.Code.ALREADY_EXISTS,
            "InvalidArgumentException", Status.Code.INVALID_ARGUMENT,
            "FailedPreconditionException", Status.Code.FAILED_PRECONDITION,
            "UnsupportedOperationException", Status.Code.UNIMPLEMENTED,
            "ExecTimeoutException", Status.Code.DEADLINE_EXCEEDED);

    private StatusMapping() {}

    /**
     * The status for {@code t}: a gRPC status exception keeps its own status; a known error kind
     * gets its code and its message as the description; anything else is {@code INTERNAL} with
     * its message. The throwable is kept as the status' cause (it never goes on the wire).
     */
    public static Status toStatus(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (e instanceof StatusException se) {
            return se.getStatus();
        }
        return Status.fromCode(codeOf(e)).withDescription(describe(e)).withCause(e);
    }

    /** The code {@link #toStatus} would give, without building the status. */
    public static Status.Code codeOf(Throwable t) {
        Throwable e = unwrap(t);
        if (e instanceof StatusRuntimeException sre) {
            return sre.getStatus().getCode();
        }
        if (e instanceof StatusException se) {
            return se.getStatus().getCode();
        }
        for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
            Status.Code code = BY_SIMPLE_NAME.get(c.getSimpleName());
            if (code != null) {
                return code;
            }
        }
        return Status.Code.INTERNAL;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
