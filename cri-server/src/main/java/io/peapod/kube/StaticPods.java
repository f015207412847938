package io.peapod.kube;

import io.peapod.runtime.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static pods: every manifest ({@code *.yaml}, {@code *.yml}, {@code *.json}) in a directory
 * runs as a supervised pod; a file whose content changes replaces its pod, a file that goes
 * stops its pod. {@code peapod serve --manifests DIR} starts one beside the CRI server:
 *
 * <pre>
 *   StaticPods pods = new StaticPods(engine, dir, PodRunner.Options.defaults(), Duration.ofSeconds(2));
 *   pods.start();   // ... serve ...
 *   pods.stop();    // on shutdown: every static pod is terminated with its grace period
 * </pre>
 *
 * The directory is rescanned on an interval (it may be on any file system, and editors
 * replace files in many ways); a manifest that does not parse is reported once per content.
 */
public final class StaticPods {
    private static final Logger LOG = LoggerFactory.getLogger(StaticPods.class);

    private final Path dir;
    private final PodRunner runner;
    private final Duration interval;
    private final Map<Path, Entry> entries = new HashMap<>();
    private Thread thread;
    private volatile boolean running;

    private record Entry(String hash, RunningPod pod, String error) {
    }

    public StaticPods(Engine engine, Path dir, PodRunner.Options options, Duration interval) {
        this.dir = dir.toAbsolutePath().normalize();
        this.runner = new PodRunner(engine, options);
        this.interval = interval;
    }

    /** Scans once now (so the pods are starting when this returns), then on every interval. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("static pods of " + dir + " are already being watched");
        }
        if (!Files.isDirectory(dir)) {
            throw new io.peapod.runtime.errors.InvalidArgumentException("static pod directory " + dir
                    + " does not exist");
        }
        running = true;
        scan();
        thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    try {
                        scan();
                    } catch (RuntimeException e) {
                        LOG.error("static pods: scan of {} failed: {}", dir, e.toString());
                    }
                }
            }
        }, "static-pods");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops watching and stops every static pod (preStop, SIGTERM, grace, SIGKILL). */
    public void stop() {
        synchronized (this) {
            running = false;
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (var e : entries.entrySet()) {
                stopPod(e.getKey(), e.getValue());
            }
            entries.clear();
        }
    }

    /** The running static pods by manifest file. */
    public synchronized Map<Path, RunningPod> pods() {
        Map<Path, RunningPod> out = new TreeMap<>();
        entries.forEach((f, e) -> {
            if (e.pod() != null) {
                out.put(f, e.pod());
            }
        });
        return out;
    }

    synchronized void scan() {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))
                        && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            LOG.error("static pods: cannot list {}: {}", dir, e.getMessage());
            return;
        }
        for (Path gone : entries.keySet().stream().filter(f -> !files.contains(f)).toList()) {
            LOG.info("static pods: {} was removed: stopping its pod", gone);
            stopPod(gone, entries.remove(gone));
        }
        for (Path f : files) {
            String hash;
            String text;
            try {
                text = Files.readString(f);
                hash = sha256(text);
            } catch (IOException e) {
                continue; // being written or removed: next scan
            }
            Entry old = entries.get(f);
            if (old != null && old.hash().equals(hash)) {
                continue;
            }
            if (old != null) {
                LOG.info("static pods: {} changed: replacing its pod", f);
                stopPod(f, old);
                entries.remove(f);
            }
            entries.put(f, launch(f, text, hash));
        }
    }

    private Entry launch(Path f, String text, String hash) {
        try {
            Manifest m = ManifestReader.parse(text, f.toString());
            // a pod this file made before (e.g. before a daemon restart) is replaced
            runner.find(m.name(), m.namespace()).ifPresent(r -> {
                if (f.toString().equals(r.config().annotations().get(PodRunner.MANIFEST_ANNOTATION))) {
                    runner.remove(r.id(), null);
                }
            });
            RunningPod pod = runner.run(m);
            LOG.info("static pods: {} runs as pod {} ({})", f, m.name(), pod.sandboxId());
            return new Entry(hash, pod, null);
        } catch (RuntimeException e) {
            LOG.error("static pods: {} cannot run: {}", f, e.getMessage());
            return new Entry(hash, null, e.getMessage());
        }
    }

    private void stopPod(Path f, Entry e) {
        if (e == null || e.pod() == null) {
            return;
        }
        try {
            e.pod().stop();
        } catch (RuntimeException ex) {
            LOG.error("static pods: stopping the pod of {} failed: {}", f, ex.toString());
        }
    }

    /** The error of a manifest that could not run, or null. */
    public synchronized String errorOf(Path file) {
        Entry e = entries.get(file.toAbsolutePath().normalize());
        return e == null ? null : e.error();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
