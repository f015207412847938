package io.peapod.cri.streaming.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/** A {@link PortStream} whose output is sent by {@code sender(data, last)}. */
final class ForwardedStream implements PortStream {
    private final int port;
    private final QueueInputStream input = new QueueInputStream();
    private final ByteArrayOutputStream error = new ByteArrayOutputStream();
    private final BiConsumer<byte[], Boolean> sender;
    private final Runnable closer;
    private volatile boolean outputClosed;

    ForwardedStream(int port, BiConsumer<byte[], Boolean> sender, Runnable closer) {
        this.port = port;
        this.sender = sender;
        this.closer = closer;
    }

    void data(byte[] b) {
        input.offer(b);
    }

    synchronized void error(byte[] b) {
        error.writeBytes(b);
    }

    void end() {
        input.end();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (outputClosed) {
                    throw new IOException("output to port " + port + " is closed");
                }
                sender.accept(java.util.Arrays.copyOfRange(b, off, off + len), false);
            }

            @Override
            public void close() {
                if (!outputClosed) {
                    outputClosed = true;
                    sender.accept(new byte[0], true);
                }
            }
        };
    }

    @Override
    public synchronized String error() {
        return error.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        input.end();
        closer.run();
    }
}
