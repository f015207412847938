package io.peapod.kube;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A grpc-java server on 127.0.0.1 answering {@code grpc.health.v1.Health/Check} from
 * {@link #health}: per service name, the status to answer (1 SERVING, 2 NOT_SERVING); a name
 * not there is answered with NOT_FOUND, as grpc's own health service does.
 */
final class HealthServer implements AutoCloseable {
    final Map<String, Integer> health = new ConcurrentHashMap<>();
    private final Server server;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    HealthServer() throws IOException {
        MethodDescriptor<byte[], byte[]> check = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("grpc.health.v1.Health/Check")
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        ServerServiceDefinition service = ServerServiceDefinition.builder("grpc.health.v1.Health")
                .addMethod(check, ServerCalls.asyncUnaryCall((request, response) -> {
                    // HealthCheckRequest { string service = 1; }: tag 0x0a, a one-byte length, the name
                    String name = request.length > 2 ? new String(request, 2, request[1], StandardCharsets.UTF_8) : "";
                    Integer status = health.get(name);
                    if (status == null) {
                        response.onError(Status.NOT_FOUND.withDescription("unknown service " + name)
                                .asRuntimeException());
                        return;
                    }
                    response.onNext(new byte[] {0x08, (byte) (int) status});
                    response.onCompleted();
                })).build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service).build().start();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
