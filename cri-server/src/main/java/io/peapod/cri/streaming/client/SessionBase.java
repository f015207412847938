package io.peapod.cri.streaming.client;

import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What both remotecommand client sessions share: output streams and the final status. */
abstract class SessionBase extends ChannelInboundHandlerAdapter implements RemoteCommandSession {
    final OutputStream stdout;
    final OutputStream stderr;
    final CompletableFuture<StreamStatus> status = new CompletableFuture<>();
    final java.io.ByteArrayOutputStream errorStream = new java.io.ByteArrayOutputStream();
    Connector.Upgraded connection;
    String protocol;

    SessionBase(OutputStream stdout, OutputStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    void output(int stream, byte[] data) {
        OutputStream out = stream == 2 ? stderr : stdout;
        if (out == null) {
            return;
        }
        try {
            out.write(data);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write remote output", e);
        }
    }

    /** The status from what the error stream held, by protocol version. */
    void complete() {
        String text = errorStream.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        boolean statusObjects = protocol.startsWith("v4.") || protocol.startsWith("v5.");
        if (text.isEmpty() && statusObjects) {
            status.complete(new StreamStatus(-1, "the server closed the connection without a status"));
        } else if (text.isEmpty()) {
            status.complete(new StreamStatus(0, ""));
        } else if (statusObjects) {
            status.complete(new StreamStatus(io.peapod.cri.streaming.StatusJson.exitCodeOf(text), text));
        } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("exit status (\\d+)").matcher(text);
            status.complete(new StreamStatus(m.find() ? Integer.parseInt(m.group(1)) : -1, text));
        }
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public StreamStatus awaitStatus(Duration timeout) {
        try {
            return status.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StreamException("no status within " + timeout, e);
        } catch (ExecutionException e) {
            throw new StreamException("session failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.shutdown();
        }
    }
}
