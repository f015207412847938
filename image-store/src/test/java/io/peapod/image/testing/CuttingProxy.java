package io.peapod.image.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that cuts the first {@code cuts} connections once they have carried
 * {@code cutAfter} bytes from the server: a broken download in the middle of a layer.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger cutsLeft;
    private final AtomicInteger cutsDone = new AtomicInteger();
    private final long cutAfter;
    private final int targetPort;

    public CuttingProxy(int targetPort, long cutAfter, int cuts) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        this.cutsLeft = new AtomicInteger(cuts);
        Thread t = new Thread(this::acceptLoop, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int cutsDone() {
        return cutsDone.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, false);
                pump(upstream.getInputStream(), client.getOutputStream(), client, upstream, true);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket a, Socket b, boolean fromServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            long total = 0;
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (fromServer && total + n > cutAfter && cutsLeft.getAndDecrement() > 0) {
                        out.write(buf, 0, (int) Math.max(0, cutAfter - total));
                        out.flush();
                        cutsDone.incrementAndGet();
                        break;
                    }
                    out.write(buf, 0, n);
                    total += n;
                }
            } catch (IOException e) {
                // peer gone
            } finally {
                close(a);
                close(b);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
