package io.peapod.cri;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever a handler throws, or passes to {@code onError}, into the status
 * {@link StatusMapping} chooses. Without it grpc-java answers {@code UNKNOWN} for every exception
 * and kubelets cannot tell "not found" from a crash. {@code INTERNAL} answers are logged with the
 * stack trace; the others are the caller's problem and are logged at DEBUG.
 */
public final class StatusMappingInterceptor implements ServerInterceptor {
    private static final Logger log = LoggerFactory.getLogger(StatusMappingInterceptor.class);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        MappingCall<ReqT, RespT> mapping = new MappingCall<>(call);
        ServerCall.Listener<ReqT> listener;
        try {
            listener = next.startCall(mapping, headers);
        } catch (RuntimeException e) {
            mapping.fail(e);
            return new ServerCall.Listener<>() {};
        }
        return new GuardedListener<>(listener, mapping);
    }

    /** Maps an {@code UNKNOWN} close that carries a cause (what {@code onError(e)} produces). */
    private static final class MappingCall<ReqT, RespT>
            extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
        private final AtomicBoolean closed = new AtomicBoolean();

        MappingCall(ServerCall<ReqT, RespT> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Status answer = status;
            Throwable cause = status.getCause();
            if (status.getCode() == Status.Code.UNKNOWN && cause != null
                    && !(cause instanceof StatusRuntimeException) && !(cause instanceof StatusException)) {
                answer = StatusMapping.toStatus(cause);
            }
            if (!closed.compareAndSet(false, true)) {
                log.warn("{}: call already closed, dropping status {}", methodName(), answer.getCode(), cause);
                return;
            }
            logAnswer(answer);
            super.close(answer, trailers);
        }

        void fail(Throwable e) {
            Metadata trailers = e instanceof StatusRuntimeException sre && sre.getTrailers() != null
                    ? sre.getTrailers() : new Metadata();
            close(StatusMapping.toStatus(e), trailers);
        }

        private void logAnswer(Status answer) {
            if (answer.getCode() == Status.Code.INTERNAL) {
                log.error("{} failed: {}", methodName(), answer.getDescription(), answer.getCause());
            } else if (!answer.isOk() && log.isDebugEnabled()) {
                log.debug("{} answered {}: {}", methodName(), answer.getCode(), answer.getDescription());
            }
        }

        private String methodName() {
            return getMethodDescriptor().getFullMethodName();
        }
    }

    /** Catches what escapes the handler on any callback and closes the call with it. */
    private static final class GuardedListener<ReqT>
            extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
        private final MappingCall<ReqT, ?> call;

        GuardedListener(ServerCall.Listener<ReqT> delegate, MappingCall<ReqT, ?> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onMessage(ReqT message) {
            try {
                super.onMessage(message);
            } catch (RuntimeException e) {
                call.fail(e);
            }
        }

        @Override
        public void onHalfClose() {
            try {
                super.onHalfClose();
            } catch (RuntimeException e) {
                call.fail(e);
            }
        }

        @Override
        public void onReady() {
            try {
                super.onReady();
            } catch (RuntimeException e) {
                call.fail(e);
            }
        }

        @Override
        public void onCancel() {
            try {
                super.onCancel();
            } catch (RuntimeException e) {
                log.warn("{}: handler failed while the call was being cancelled",
                        call.getMethodDescriptor().getFullMethodName(), e);
            }
        }

        @Override
        public void onComplete() {
            try {
                super.onComplete();
            } catch (RuntimeException e) {
                log.warn("{}: handler failed after the call completed",
                        call.getMethodDescriptor().getFullMethodName(), e);
            }
        }
    }
}
