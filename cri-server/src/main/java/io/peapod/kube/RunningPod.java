package io.peapod.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.peapod.cri.translate.RootfsReader;
import io.peapod.image.Image;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod from a manifest, as it runs: its sandbox, volumes and container workers. While
 * supervised, a thread runs the init containers in order, then the app containers in
 * parallel, and keeps its status file current for other {@code peapod} invocations.
 */
public final class RunningPod {
    private static final Logger LOG = LoggerFactory.getLogger(RunningPod.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Engine engine;
    private final Manifest manifest;
    private final PodRunner.Options options;
    private final SandboxRecord sandbox;
    private final Path dir;
    private final PodVolumes volumes;
    private final FieldValues fields;
    private final Probes probes;
    private final List<ContainerWorker> initWorkers = new ArrayList<>();
    private final List<ContainerWorker> appWorkers = new ArrayList<>();
    private final List<String> containerIds = new CopyOnWriteArrayList<>();
    private final Object signal = new Object();
    private final String startTime = Instant.now().toString();
    private volatile boolean supervising = true;
    private volatile boolean initialized;
    private volatile boolean deadlinePassed;
    private volatile String failedReason;
    private volatile String initializedAt;
    private volatile String readySince;
    private Thread thread;

    RunningPod(Engine engine, Manifest manifest, PodRunner.Options options, SandboxRecord sandbox, Path dir,
               PodVolumes volumes, FieldValues fields, Map<String, Image> images) {
        this.engine = engine;
        this.manifest = manifest;
        this.options = options;
        this.sandbox = sandbox;
        this.dir = dir;
        this.volumes = volumes;
        this.fields = fields;
        this.probes = new Probes(engine.containers(), sandbox.netns());
        Kube.PodSpec spec = manifest.pod().spec;
        for (Kube.Container c : spec.initContainers == null ? List.<Kube.Container>of() : spec.initContainers) {
            initWorkers.add(new ContainerWorker(this, c, true, images.get(c.image)));
        }
        for (Kube.Container c : spec.containers) {
            appWorkers.add(new ContainerWorker(this, c, false, images.get(c.image)));
        }
    }

    void begin() {
        thread = new Thread(this::lifecycle, "pod-" + manifest.name());
        thread.setDaemon(true);
        thread.start();
        changed();
    }

    private void lifecycle() {
        Long deadline = manifest.pod().spec.activeDeadlineSeconds;
        if (deadline != null) {
            Thread watchdog = new Thread(() -> {
                if (sleep(Duration.ofSeconds(deadline)) && failedReason == null && !finished()) {
                    LOG.info("pod {}: activeDeadlineSeconds {} passed: terminating", name(), deadline);
                    deadlinePassed = true;
                    synchronized (signal) {
                        signal.notifyAll();
                    }
                    terminateAll(grace());
                    failedReason = "DeadlineExceeded";
                    changed();
                }
            }, "pod-deadline-" + name());
            watchdog.setDaemon(true);
            watchdog.start();
        }
        for (ContainerWorker w : initWorkers) {
            if (!w.run()) {
                if (supervising) {
                    failedReason = "InitContainerFailed";
                    LOG.warn("pod {}: init container {} failed: the pod fails", name(), w.spec.name);
                    changed();
                }
                return;
            }
        }
        if (!supervising) {
            return;
        }
        initialized = true;
        initializedAt = Instant.now().toString();
        changed();
        List<Thread> threads = new ArrayList<>();
        for (ContainerWorker w : appWorkers) {
            Thread t = new Thread(w::run, "pod-" + name() + "-" + w.spec.name);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        changed();
    }

    private boolean finished() {
        return !appWorkers.isEmpty() && appWorkers.stream().allMatch(ContainerWorker::done);
    }

    // ---- what workers ask of their pod

    Engine engine() {
        return engine;
    }

    PodRunner.Options options() {
        return options;
    }

    public String name() {
        return manifest.name();
    }

    public String sandboxId() {
        return sandbox.id();
    }

    public Manifest manifest() {
        return manifest;
    }

    boolean supervising() {
        return supervising && failedReason == null && !deadlinePassed;
    }

    String restartPolicy() {
        String p = manifest.pod().spec.restartPolicy;
        return p == null ? "Always" : p;
    }

    public Duration grace() {
        Long g = manifest.pod().spec.terminationGracePeriodSeconds;
        return Duration.ofSeconds(g == null ? 30 : g);
    }

    String containerIdFor(String name, int restart) {
        String n = name.length() > 40 ? name.substring(0, 40) : name;
        return sandbox.id().substring(0, 12) + "-" + n + "-" + restart;
    }

    void remember(String id) {
        containerIds.add(id);
    }

    Path logOf(String container, int restart) {
        return dir.resolve("logs").resolve(container).resolve(restart + ".log");
    }

    Spec specFor(ContainerWorker w, Image image, RootfsReader files) {
        Map<String, String> env = new Environment(manifest, fields).of(w.spec);
        return ContainerSpecs.build(manifest, w.spec, image, sandbox, engine.pods().directoryOf(sandbox.id()),
                engine.pods().sharedPidNamespace(sandbox.id()), volumes.paths(), env, files);
    }

    Probes.Result probe(ContainerWorker w, Kube.Probe p) {
        Duration timeout = Duration.ofSeconds(ContainerWorker.or(p.timeoutSeconds, 1));
        if (p.exec != null) {
            return probes.exec(w.containerId(), p.exec.command, timeout);
        }
        if (p.httpGet != null) {
            return probes.httpGet(p.httpGet, port(w, p.httpGet.port), timeout);
        }
        if (p.grpc != null) {
            return probes.grpc(p.grpc.port, p.grpc.service, timeout);
        }
        return probes.tcp(p.tcpSocket.host, port(w, p.tcpSocket.port), timeout);
    }

    Probes.Result runHandler(ContainerWorker w, Kube.LifecycleHandler h, Duration timeout) {
        if (h.exec != null) {
            return probes.exec(w.containerId(), h.exec.command, timeout);
        }
        if (h.httpGet != null) {
            return probes.httpGet(h.httpGet, port(w, h.httpGet.port), timeout);
        }
        try {
            // a plain sleep: preStop hooks run while the pod is being stopped, after supervision ended
            Thread.sleep(Duration.ofSeconds(Math.min(h.sleep.seconds, timeout.toSeconds())).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probes.Result(false, "interrupted");
        }
        return new Probes.Result(true, null);
    }

    private static int port(ContainerWorker w, Object port) {
        if (port instanceof Integer n) {
            return n;
        }
        return w.spec.ports.stream().filter(p -> port.equals(p.name)).findFirst().orElseThrow().containerPort;
    }

    /** Sleeps unless supervision ends first; false when it ended. */
    boolean sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        synchronized (signal) {
            while (supervising && !deadlinePassed) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Something changed: write the status file. */
    void changed() {
        PodStatus s = status();
        if (s.ready() && readySince == null) {
            readySince = Instant.now().toString();
        } else if (!s.ready()) {
            readySince = null;
        }
        synchronized (this) {
            writeStatus(dir, s);
            notifyAll();
        }
    }

    static void writeStatus(Path dir, PodStatus s) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "status", ".tmp");
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, dir.resolve("status.json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the status of pod in " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---- what callers see

    public PodStatus status() {
        List<PodStatus.ContainerState> inits = initWorkers.stream().map(ContainerWorker::status).toList();
        List<PodStatus.ContainerState> apps = appWorkers.stream().map(ContainerWorker::status).toList();
        String phase;
        if (failedReason != null) {
            phase = "Failed";
        } else if (!initialized || appWorkers.stream().anyMatch(w -> !w.started())) {
            phase = "Pending";
        } else if (finished()) {
            phase = appWorkers.stream().allMatch(ContainerWorker::succeeded) ? "Succeeded" : "Failed";
        } else {
            phase = "Running";
        }
        boolean containersReady = initialized && appWorkers.stream().allMatch(ContainerWorker::ready);
        List<PodStatus.Condition> conditions = List.of(
                new PodStatus.Condition("Initialized", initialized, initializedAt),
                new PodStatus.Condition("ContainersReady", containersReady, readySince),
                new PodStatus.Condition("Ready", containersReady, readySince));
        return new PodStatus(name(), manifest.namespace(), sandbox.id(), phase, failedReason, fields.podIp(),
                startTime, supervising, conditions, inits, apps);
    }

    /** Waits until the pod is Ready, or Failed/Succeeded; returns the status then, or at the timeout. */
    public synchronized PodStatus awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            PodStatus s = status();
            if (s.ready() || s.phase().equals("Failed") || s.phase().equals("Succeeded")) {
                return s;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return s;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    /** Waits for a phase (e.g. Succeeded, Failed) until the timeout; returns the last status. */
    public synchronized PodStatus awaitPhase(String phase, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            PodStatus s = status();
            long left = end - System.nanoTime();
            if (s.phase().equals(phase) || left <= 0) {
                return s;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }

    /** Stops supervising and leaves the containers running under their monitors. */
    public void detach() {
        endSupervision();
        writeStatus(dir, status().unsupervised());
        probes.close();
    }

    private void endSupervision() {
        supervising = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Terminates every container (preStop, SIGTERM, the grace period, SIGKILL) in parallel,
     * then removes them, the sandbox and the volumes.
     */
    public void stop() {
        stop(grace());
    }

    public void stop(Duration grace) {
        endSupervision();
        terminateAll(grace);
        probes.close();
        PodRunner.removeEverything(engine, sandbox.id(), containerIds, volumes, dir);
    }

    /**
     * Terminates every container as {@link #stop(Duration)} does, and stops the sandbox, but
     * keeps the pod (its containers, logs, volumes and last status) until it is removed.
     */
    public void stopKeeping(Duration grace) {
        endSupervision();
        terminateAll(grace);
        probes.close();
        engine.pods().stop(sandbox.id(), Duration.ZERO);
        writeStatus(dir, status().unsupervised());
    }

    private void terminateAll(Duration grace) {
        List<Thread> ts = new ArrayList<>();
        for (ContainerWorker w : appWorkers) {
            Thread t = new Thread(() -> {
                try {
                    w.terminate(w.containerId(), grace);
                } catch (NotFoundException e) {
                    // never created
                }
            }, "stop-" + w.spec.name);
            ts.add(t);
            t.start();
        }
        for (ContainerWorker w : initWorkers) {
            try {
                w.terminate(w.containerId(), grace);
            } catch (NotFoundException e) {
                // never created
            }
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
