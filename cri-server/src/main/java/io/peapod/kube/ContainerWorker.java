package io.peapod.kube;

import io.peapod.cri.translate.LayeredRootfsReader;
import io.peapod.image.Image;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises one container of a pod: creates and starts it, runs its postStart hook and
 * probes, records its exits and restarts it per the pod's restartPolicy with exponential
 * back-off.
 *
 * <pre>
 *   waiting ──create+start──► running ──exit / probe kill──► terminated
 *      ▲                                                        │
 *      └──────── back-off (CrashLoopBackOff), restarts+1 ◄──────┘  (per restartPolicy)
 * </pre>
 */
final class ContainerWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerWorker.class);

    private final RunningPod pod;
    final Kube.Container spec;
    final boolean init;
    private final Image image;

    private volatile String containerId;
    private volatile String state = "waiting";
    private volatile String reason = "ContainerCreating";
    private volatile Integer exitCode;
    private volatile String startedAt;
    private volatile String finishedAt;
    private volatile boolean ready;
    private volatile int restarts;
    /** No more restarts will come: the container completed for good (or failed for good). */
    private volatile boolean done;
    private volatile boolean succeeded;

    ContainerWorker(RunningPod pod, Kube.Container spec, boolean init, Image image) {
        this.pod = pod;
        this.spec = spec;
        this.init = init;
        this.image = image;
        if (init) {
            reason = "PodInitializing";
        }
    }

    String containerId() {
        return containerId;
    }

    boolean done() {
        return done;
    }

    boolean succeeded() {
        return succeeded;
    }

    boolean ready() {
        return ready;
    }

    boolean started() {
        return !state.equals("waiting") || restarts > 0;
    }

    PodStatus.ContainerState status() {
        return new PodStatus.ContainerState(spec.name, spec.image, containerId, state, reason, exitCode, startedAt,
                finishedAt, ready, restarts);
    }

    /** Runs the container until it is done for good or the pod stops supervising; true when it succeeded. */
    boolean run() {
        try {
            return supervise();
        } catch (RuntimeException e) {
            if (pod.supervising()) {
                LOG.error("pod {}: supervision of container {} failed: {}", pod.name(), spec.name, e.toString());
                state = "waiting";
                reason = "SupervisionError: " + e.getMessage();
                done = true;
                pod.changed();
            }
            return false;
        }
    }

    private boolean supervise() {
        int backoffStep = 0;
        while (pod.supervising()) {
            String id = pod.containerIdFor(spec.name, restarts);
            Instant began = Instant.now();
            try {
                start(id);
            } catch (RuntimeException e) {
                LOG.warn("pod {}: container {} could not start: {}", pod.name(), spec.name, e.getMessage());
                state = "waiting";
                reason = "CreateContainerError: " + e.getMessage();
                exitCode = 128;
                pod.changed();
                if (!restartAfter(128, backoffStep++)) {
                    return false;
                }
                continue;
            }
            ContainerRecord exited = watch(id);
            if (exited == null) {
                return succeeded; // the pod stopped supervising
            }
            int code = exited.exitCode() == null ? 128 : exited.exitCode();
            state = "terminated";
            ready = false;
            exitCode = code;
            finishedAt = exited.finished() != null ? exited.finished() : Instant.now().toString();
            if (reason == null || !reason.endsWith("ProbeFailed") && !reason.startsWith("FailedPostStart")) {
                reason = Boolean.TRUE.equals(exited.oomKilled()) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            }
            LOG.info("pod {}: container {} exited with {} ({})", pod.name(), spec.name, code, reason);
            pod.changed();
            if (Duration.between(began, Instant.now()).compareTo(pod.options().backoffMax().multipliedBy(2)) > 0) {
                backoffStep = 0;
            }
            if (init && code == 0) {
                succeeded = true;
                done = true;
                return true;
            }
            if (!restartAfter(code, backoffStep++)) {
                return succeeded;
            }
        }
        return succeeded;
    }

    /** Whether to restart after an exit with {@code code}; sleeps the back-off first. */
    private boolean restartAfter(int code, int step) {
        String policy = pod.restartPolicy();
        boolean again = switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> code != 0;
            default -> init ? code != 0 : true;
        };
        if (!again) {
            succeeded = code == 0;
            done = true;
            pod.changed();
            return false;
        }
        long delay = Math.min(pod.options().backoffMax().toMillis(),
                pod.options().backoffBase().toMillis() << Math.min(step, 20));
        state = "waiting";
        reason = "CrashLoopBackOff";
        pod.changed();
        if (!pod.sleep(Duration.ofMillis(delay))) {
            return false;
        }
        restarts++;
        return true;
    }

    private void start(String id) {
        Engine.PreparedRootfs rootfs = pod.engine().prepareRootfs(id, spec.image);
        Path log = pod.logOf(spec.name, restarts);
        Spec s;
        try {
            s = pod.specFor(this, image, new LayeredRootfsReader(rootfs.layersTopmostFirst()));
            Files.createDirectories(log.getParent());
        } catch (java.io.IOException e) {
            pod.engine().discard(id);
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            pod.engine().discard(id);
            throw e;
        }
        s.annotations.put("io.peapod.log-path", log.toString());
        s.annotations.put("io.peapod.cli.command", String.join(" ", s.process.args));
        s.annotations.put(Engine.IMAGE_NAME, spec.image);
        pod.engine().createPrepared(id, rootfs, s, pod.sandboxId(), CreateOptions.logTo(log));
        containerId = id;
        pod.remember(id);
        pod.engine().containers().start(id);
        state = "running";
        reason = null;
        exitCode = null;
        finishedAt = null;
        startedAt = Instant.now().toString();
        LOG.info("pod {}: container {} started as {}", pod.name(), spec.name, id);
        pod.changed();
        if (spec.lifecycle != null && spec.lifecycle.postStart != null) {
            Probes.Result r = pod.runHandler(this, spec.lifecycle.postStart, pod.grace());
            if (!r.ok()) {
                LOG.warn("pod {}: postStart of {} failed: {}", pod.name(), spec.name, r.message());
                reason = "FailedPostStartHook: " + r.message();
                pod.engine().containers().stop(id, Duration.ZERO);
            }
        }
    }

    /** Probes the running container until it exits; null when supervision ends first. */
    private ContainerRecord watch(String id) {
        long t0 = System.nanoTime();
        ProbeState startup = new ProbeState(spec.startupProbe, t0);
        ProbeState liveness = new ProbeState(spec.livenessProbe, t0);
        ProbeState readiness = new ProbeState(spec.readinessProbe, t0);
        boolean startedOk = spec.startupProbe == null;
        if (spec.readinessProbe == null && !init) {
            ready = true;
            pod.changed();
        }
        while (pod.supervising()) {
            ContainerRecord r = pod.engine().containers().state(id);
            if (r.status() == ContainerStatus.STOPPED) {
                return r;
            }
            long now = System.nanoTime();
            if (!startedOk && startup.due(now)) {
                Boolean verdict = startup.record(pod.probe(this, spec.startupProbe));
                if (Boolean.TRUE.equals(verdict)) {
                    startedOk = true;
                    liveness.restartClock(now);
                    readiness.restartClock(now);
                } else if (Boolean.FALSE.equals(verdict)) {
                    kill(id, spec.startupProbe, "StartupProbeFailed");
                    continue;
                }
            }
            if (startedOk && liveness.due(now)) {
                if (Boolean.FALSE.equals(liveness.record(pod.probe(this, spec.livenessProbe)))) {
                    kill(id, spec.livenessProbe, "LivenessProbeFailed");
                    continue;
                }
            }
            if (startedOk && readiness.due(now)) {
                Boolean verdict = readiness.record(pod.probe(this, spec.readinessProbe));
                if (verdict != null && verdict != ready) {
                    ready = verdict;
                    LOG.info("pod {}: container {} ready={}", pod.name(), spec.name, ready);
                    pod.changed();
                }
            }
            if (!pod.sleep(pod.options().pollInterval())) {
                return null;
            }
        }
        return null;
    }

    private void kill(String id, Kube.Probe probe, String why) {
        LOG.info("pod {}: container {} {}: killing it", pod.name(), spec.name, why);
        reason = why;
        ready = false;
        Duration grace = probe.terminationGracePeriodSeconds != null
                ? Duration.ofSeconds(probe.terminationGracePeriodSeconds) : pod.grace();
        terminate(id, grace);
    }

    /** preStop, then SIGTERM, then SIGKILL once {@code grace} (which preStop's time counts against) is over. */
    void terminate(String id, Duration grace) {
        if (id == null) {
            return;
        }
        ContainerRecord r = pod.engine().containers().state(id);
        if (r.status() == ContainerStatus.STOPPED) {
            return;
        }
        long t0 = System.nanoTime();
        if (spec.lifecycle != null && spec.lifecycle.preStop != null && r.status() == ContainerStatus.RUNNING) {
            Probes.Result res = pod.runHandler(this, spec.lifecycle.preStop, grace);
            if (!res.ok()) {
                LOG.warn("pod {}: preStop of {} failed: {}", pod.name(), spec.name, res.message());
            }
        }
        Duration left = grace.minusNanos(System.nanoTime() - t0);
        // the kubelet gives a minimum of 2 s to SIGTERM after a preStop hook used up the grace period
        if (left.isNegative() || left.isZero()) {
            left = grace.isZero() ? Duration.ZERO : Duration.ofSeconds(2).compareTo(grace) < 0
                    ? Duration.ofSeconds(2) : grace;
        }
        ContainerRecord dead = pod.engine().containers().stop(id, left);
        if (id.equals(containerId)) {
            int code = dead.exitCode() == null ? 137 : dead.exitCode();
            state = "terminated";
            ready = false;
            exitCode = code;
            finishedAt = dead.finished() != null ? dead.finished() : Instant.now().toString();
            if (reason == null) {
                reason = code == 0 ? "Completed" : "Error";
            }
            pod.changed();
        }
    }

    /** Timing and thresholds of one probe. */
    private final class ProbeState {
        private final Kube.Probe probe;
        private long next;
        private int successes;
        private int failures;

        ProbeState(Kube.Probe probe, long t0) {
            this.probe = probe;
            restartClock(t0);
        }

        void restartClock(long now) {
            if (probe != null) {
                next = now + Duration.ofSeconds(or(probe.initialDelaySeconds, 0)).toNanos();
            }
        }

        boolean due(long now) {
            return probe != null && now - next >= 0;
        }

        /** true/false once a threshold is crossed, null while undecided. */
        Boolean record(Probes.Result r) {
            next = System.nanoTime() + Duration.ofSeconds(or(probe.periodSeconds, 10)).toNanos();
            if (r.ok()) {
                failures = 0;
                successes++;
                return successes >= or(probe.successThreshold, 1) ? Boolean.TRUE : null;
            }
            LOG.debug("pod {}: probe of {} failed: {}", pod.name(), spec.name, r.message());
            successes = 0;
            failures++;
            return failures >= or(probe.failureThreshold, 3) ? Boolean.FALSE : null;
        }
    }

    static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }

    List<String> volumeNames() {
        return spec.volumeMounts == null ? List.of() : spec.volumeMounts.stream().map(m -> m.name).toList();
    }
}
