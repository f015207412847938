package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.runtime.Engine;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peapod attach}: the running container's output from now on, through its
 * monitor's attach socket; with {@code -i} the caller's stdin goes to the container's
 * (when it was created with stdin open). Ends when the container exits; interrupting it
 * detaches and leaves the container running.
 */
@Command(name = "attach", description = "Attach to a running container's output (and stdin with -i).")
public final class AttachCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;

    @Option(names = {"-i", "--interactive"}, description = "send stdin to the container")
    boolean interactive;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String ref;

    @Override
    public Integer call() throws Exception {
        Invocation invocation = Invocation.current();
        Attachment attachment;
        try (Engine engine = engineOptions.open()) {
            var c = Containers.resolve(engine, ref);
            attachment = Attachment.open(engine.containers().context().store().directoryOf(c.id()), interactive);
        }
        // the store's lock is not held while attached: other commands may run meanwhile
        try (attachment) {
            invocation.closeOnCancel(attachment);
            attachment.relay(invocation);
        }
        return 0;
    }

    /** Frames from the monitor: 1 byte stream id (1 stdout, 2 stderr), u32 little-endian length, bytes. */
    static void relay(InputStream from, OutputStream out, OutputStream err) throws IOException {
        byte[] header = new byte[5];
        while (true) {
            try {
                readFully(from, header);
            } catch (EOFException e) {
                return;
            }
            int length = ByteBuffer.wrap(header, 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            byte[] data = new byte[length];
            readFully(from, data);
            OutputStream to = header[0] == 2 ? err : out;
            to.write(data);
            to.flush();
        }
    }

    private static void readFully(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                throw new EOFException();
            }
            off += n;
        }
    }
}
