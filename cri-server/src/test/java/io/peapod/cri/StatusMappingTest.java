package io.peapod.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Status;
import io.grpc.StatusException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
    /** Stand-ins for io.peapod.runtime.errors.*, matched by simple name as the real ones will be. */
    static class PeapodException extends RuntimeException {
        PeapodException(String message) {
            super(message);
        }
    }

    static class NotFoundException extends PeapodException {
        NotFoundException(String message) {
            super(message);
        }
    }

    static class ContainerNotFoundException extends NotFoundException {
        ContainerNotFoundException(String message) {
            super(message);
        }
    }

    static class AlreadyExistsException extends PeapodException {
        AlreadyExistsException(String message) {
            super(message);
        }
    }

    static class InvalidArgumentException extends PeapodException {
        InvalidArgumentException(String message) {
            super(message);
        }
    }

    static class FailedPreconditionException extends PeapodException {
        FailedPreconditionException(String message) {
            super(message);
        }
    }

    @Test
    void runtimeErrorKindsMapByName() {
        assertStatus(Status.Code.NOT_FOUND, "container 3f2a not found", new NotFoundException("container 3f2a not found"));
        assertStatus(Status.Code.ALREADY_EXISTS, "pod web_default_1 exists",
                new AlreadyExistsException("pod web_default_1 exists"));
        assertStatus(Status.Code.INVALID_ARGUMENT, "image must not be empty",
                new InvalidArgumentException("image must not be empty"));
        assertStatus(Status.Code.FAILED_PRECONDITION, "container 3f2a is running; stop it first",
                new FailedPreconditionException("container 3f2a is running; stop it first"));
    }

    @Test
    void subclassMapsLikeItsParent() {
        assertStatus(Status.Code.NOT_FOUND, "no container abc", new ContainerNotFoundException("no container abc"));
    }

    @Test
    void unsupportedIsUnimplemented() {
        assertStatus(Status.Code.UNIMPLEMENTED, "CheckpointContainer is not supported",
                new UnsupportedOperationException("CheckpointContainer is not supported"));
    }

    @Test
    void anythingElseIsInternalWithItsMessage() {
        IllegalStateException bug = new IllegalStateException("state file truncated");
        Status status = StatusMapping.toStatus(bug);
        assertEquals(Status.Code.INTERNAL, status.getCode());
        assertEquals("state file truncated", status.getDescription());
        assertSame(bug, status.getCause());
        // the base class alone is no error kind
        assertEquals(Status.Code.INTERNAL, StatusMapping.codeOf(new PeapodException("x")));
    }

    @Test
    void missingMessageFallsBackToClassName() {
        assertEquals("java.lang.NullPointerException", StatusMapping.toStatus(new NullPointerException()).getDescription());
    }

    @Test
    void grpcStatusesPassThrough() {
        Status given = Status.DEADLINE_EXCEEDED.withDescription("exec timed out after 5 s");
        assertSame(given, StatusMapping.toStatus(given.asRuntimeException()));
        assertSame(given, StatusMapping.toStatus(new StatusException(given)));
    }

    @Test
    void completionExceptionIsUnwrapped() {
        assertStatus(Status.Code.NOT_FOUND, "image busybox not found",
                new CompletionException(new NotFoundException("image busybox not found")));
    }

    private static void assertStatus(Status.Code code, String description, Throwable t) {
        Status status = StatusMapping.toStatus(t);
        assertEquals(code, status.getCode());
        assertEquals(description, status.getDescription());
        assertEquals(code, StatusMapping.codeOf(t));
    }
}
