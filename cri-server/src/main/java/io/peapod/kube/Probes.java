package io.peapod.kube;

import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.sys.LinuxSyscalls;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs probe and hook handlers of one pod. exec runs in the container; httpGet, tcpSocket and
 * grpc connect from a thread that has joined the pod's network namespace, so they reach the
 * pod's own 127.0.0.1 whether or not the pod has a routable address.
 */
final class Probes implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;

    private final ContainerRuntime containers;
    private final ExecutorService execs = Executors.newCachedThreadPool(r -> daemon(r, "probe-exec"));
    private final ExecutorService net;

    Probes(ContainerRuntime containers, String netns) {
        this.containers = containers;
        this.net = Executors.newSingleThreadExecutor(r -> daemon(() -> {
            if (netns != null) {
                LinuxSyscalls.get().setns(netns, CLONE_NEWNET);
            }
            r.run();
        }, "probe-net"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The outcome of one run: success and, on failure, why. */
    record Result(boolean ok, String message) {
    }

    Result exec(String containerId, List<String> command, Duration timeout) {
        Future<Integer> f = execs.submit(() -> containers.exec(containerId,
                containers.execProcess(containerId, command, null, null, null, null, false),
                Map.of(0, "/dev/null", 1, "/dev/null", 2, "/dev/null")));
        return await(f, timeout, code -> code == 0 ? new Result(true, null)
                : new Result(false, "command " + command + " exited with " + code));
    }

    Result httpGet(Kube.HttpGetAction a, int port, Duration timeout) {
        Future<Integer> f = net.submit(() -> {
            String host = a.host == null || a.host.isEmpty() ? "127.0.0.1" : a.host;
            String scheme = a.scheme == null ? "http" : a.scheme.toLowerCase(java.util.Locale.ROOT);
            String path = a.path == null ? "/" : a.path.startsWith("/") ? a.path : "/" + a.path;
            HttpURLConnection c = (HttpURLConnection) URI.create(scheme + "://" + host + ":" + port + path).toURL()
                    .openConnection(java.net.Proxy.NO_PROXY);
            c.setConnectTimeout((int) timeout.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "kube-probe/peapod");
            if (a.httpHeaders != null) {
                a.httpHeaders.forEach(h -> c.setRequestProperty(h.name, h.value));
            }
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        });
        return await(f, timeout, code -> code >= 200 && code < 400 ? new Result(true, null)
                : new Result(false, "HTTP probe answered " + code));
    }

    Result tcp(String host, int port, Duration timeout) {
        Future<Integer> f = net.submit(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host == null || host.isEmpty() ? "127.0.0.1" : host, port),
                        (int) timeout.toMillis());
                return 0;
            }
        });
        return await(f, timeout, x -> new Result(true, null));
    }

    Result grpc(int port, String service, Duration timeout) {
        Future<GrpcHealthCheck.Outcome> f = net.submit(() -> GrpcHealthCheck.check("127.0.0.1", port, service,
                timeout));
        try {
            GrpcHealthCheck.Outcome o = f.get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
            return new Result(o.serving(), o.message());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(false, "timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Result(false, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    private static Result await(Future<Integer> f, Duration timeout, java.util.function.Function<Integer, Result> ok) {
        try {
            return ok.apply(f.get(timeout.toMillis() + 200, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Result(false, "timed out after " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return new Result(false, c instanceof IOException ? c.toString() : String.valueOf(c.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted");
        }
    }

    @Override
    public void close() {
        execs.shutdownNow();
        net.shutdownNow();
    }
}
