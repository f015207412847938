package io.peapod.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads {@code source} on its own thread into a few large buffers, so that decompressing and
 * hashing a layer overlap with writing its files. Memory stays bounded at chunks × chunkSize.
 */
final class ReadAheadInputStream extends InputStream {
    private static final byte[] EOF = new byte[0];

    /** A filled chunk: its bytes and how many are valid; or a failure. */
    private record Chunk(byte[] data, int length, Throwable failure) {
    }

    private final BlockingQueue<Chunk> filled;
    private final BlockingQueue<byte[]> empty;
    private final Thread reader;
    private Chunk current;
    private int pos;
    private boolean done;

    ReadAheadInputStream(InputStream source, int chunkSize, int chunks, String name) {
        this.filled = new ArrayBlockingQueue<>(chunks + 1);
        this.empty = new ArrayBlockingQueue<>(chunks);
        for (int i = 0; i < chunks; i++) {
            empty.add(new byte[chunkSize]);
        }
        this.reader = new Thread(() -> pump(source), name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream source) {
        try {
            while (true) {
                byte[] buf = empty.take();
                int n = 0;
                while (n < buf.length) {
                    int r = source.read(buf, n, buf.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                if (n > 0) {
                    filled.put(new Chunk(buf, n, null));
                }
                if (n < buf.length) {
                    filled.put(new Chunk(EOF, 0, null));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            filled.offer(new Chunk(EOF, 0, t));
        }
    }

    private boolean fill() throws IOException {
        if (done) {
            return false;
        }
        if (current != null && pos < current.length()) {
            return true;
        }
        if (current != null && current.data() != EOF) {
            empty.offer(current.data());
        }
        try {
            current = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading layer");
        }
        pos = 0;
        if (current.failure() != null) {
            done = true;
            Throwable t = current.failure();
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(t);
        }
        if (current.data() == EOF) {
            done = true;
            return false;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return current.data()[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.data(), pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() {
        done = true;
        reader.interrupt();
    }
}
