package io.peapod.cli.bench;

import io.peapod.cli.serve.ServeCommand;
import io.peapod.cri.CriClient;
import io.peapod.cri.service.CriEvents;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.ContainerMetadata;
import io.peapod.cri.v1.CreateContainerRequest;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.ImageStatusRequest;
import io.peapod.cri.v1.LinuxPodSandboxConfig;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.PodSandboxMetadata;
import io.peapod.cri.v1.RemoveContainerRequest;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.StartContainerRequest;
import io.peapod.cri.v1.StopContainerRequest;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.image.ProgressListener;
import io.peapod.image.archive.RootfsArchive;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.network.CniOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peapod bench cri}: the CRI calls a kubelet makes for a pod's life, timed over
 * the socket, serially and with several pods in flight. Against a running daemon with
 * {@code --socket}; without it, against a daemon started here on a scratch root with a
 * busybox image made from /bin/busybox, so that it runs on a fresh machine.
 */
@Command(name = "cri", description = "CRI call latencies (RunPodSandbox … RemovePodSandbox) over the socket.")
public final class BenchCri implements java.util.concurrent.Callable<Integer> {
    private static final String IMAGE = "localhost/peapod-bench/busybox:latest";
    private static final List<String> PHASES = List.of("RunPodSandbox", "CreateContainer+StartContainer",
            "StopContainer", "RemoveContainer", "StopPodSandbox+RemovePodSandbox");

    @Option(names = "--socket", description = "a running daemon's CRI socket (default: start one here)")
    Path socket;

    @Option(names = "--image", description = "image the containers run (with --socket; must be present)")
    String image;

    @Option(names = "--runs", defaultValue = "100", description = "pods per mode (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--parallel", defaultValue = "10", description = "pods in flight in the parallel mode "
            + "(default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--hold", defaultValue = "0", description = "then keep this many pods running and report "
            + "memory (with --socket, give --daemon-pid)")
    int hold;

    @Option(names = "--daemon-pid", description = "the daemon's pid, for its memory with --socket and --hold")
    Long daemonPid;

    @Override
    public Integer call() throws Exception {
        if (socket != null) {
            if (image == null) {
                throw new io.peapod.runtime.errors.InvalidArgumentException(
                        "--image is required with --socket: an image present in that daemon");
            }
            try (CriClient client = CriClient.connect(socket)) {
                run(client, image);
                if (hold > 0 && daemonPid != null) {
                    long idle = rssKb(daemonPid);
                    List<String> pods = new ArrayList<>();
                    for (int i = 0; i < hold; i++) {
                        pods.add(startPod(client, image, new LinkedHashMap<>())[0]);
                    }
                    System.out.printf("daemon RSS: %d KiB before, %d KiB with %d pods running (one container each)%n",
                            idle, rssKb(daemonPid), hold);
                    for (String pod : pods) {
                        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod)
                                .build());
                    }
                }
            }
            return 0;
        }
        Path work = io.peapod.runtime.util.ShortTempDirs.create();
        String cgroupParent = "peapod-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(work.resolve("cni"));
        EngineConfig config = new EngineConfig(work.resolve("r"), work.resolve("s"),
                new CniOptions(work.resolve("cni"), CniOptions.DEFAULT_BIN_DIRS, work.resolve("r/cni"),
                        Duration.ofSeconds(30)), new RegistryConfig(), cgroupParent);
        try (Engine engine = Engine.open(config); CriEvents events = new CriEvents()) {
            importBusybox(engine, work);
            ServeCommand.Daemon daemon = ServeCommand.Daemon.start(engine, events, work.resolve("s/peapod.sock"));
            try (CriClient client = CriClient.connect(daemon.socket())) {
                run(client, IMAGE);
                if (hold > 0) {
                    holdPods(client, engine);
                }
            } finally {
                daemon.stop();
                for (var p : engine.pods().list()) {
                    engine.pods().remove(p.id());
                }
                engine.pods().context().pinner().releaseRunDirs();
                CgroupManagers.forPath(cgroupParent).destroy();
            }
        } finally {
            io.peapod.runtime.util.FileTrees.delete(work);
        }
        return 0;
    }

    private void run(CriClient client, String img) throws Exception {
        if (!client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(img))
                .build()).hasImage()) {
            throw new FailedPreconditionException("image " + img + " is not in the daemon's store: pull it first");
        }
        for (int i = 0; i < 3; i++) {
            podLife(client, img, new LinkedHashMap<>());
        }
        Map<String, Samples> serial = samples("serial");
        for (int i = 0; i < runs; i++) {
            podLife(client, img, serial);
        }
        Map<String, Samples> concurrent = samples(parallel + " in flight");
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                all.add(pool.submit(() -> {
                    podLife(client, img, concurrent);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        System.out.println(Samples.header());
        serial.values().forEach(s -> System.out.println(s.row()));
        concurrent.values().forEach(s -> System.out.println(s.row()));
    }

    private static Map<String, Samples> samples(String mode) {
        Map<String, Samples> m = new LinkedHashMap<>();
        for (String p : PHASES) {
            m.put(p, new Samples(p + " (" + mode + ")"));
        }
        return m;
    }

    private static PodSandboxConfig pod() {
        String name = "bench-" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName(name)
                .setNamespace("bench").setUid(UUID.randomUUID().toString())).setHostname(name)
                .setLinux(LinuxPodSandboxConfig.getDefaultInstance()).build();
    }

    private static String[] startPod(CriClient client, String img, Map<String, Samples> out) {
        PodSandboxConfig config = pod();
        long t0 = System.nanoTime();
        String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        long t1 = System.nanoTime();
        String c = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                .setSandboxConfig(config).setConfig(ContainerConfig.newBuilder()
                        .setMetadata(ContainerMetadata.newBuilder().setName("sleeper"))
                        .setImage(ImageSpec.newBuilder().setImage(img)).addCommand("sleep").addArgs("3600"))
                .build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(c).build());
        long t2 = System.nanoTime();
        record(out, PHASES.get(0), t1 - t0);
        record(out, PHASES.get(1), t2 - t1);
        return new String[] {pod, c};
    }

    private static void podLife(CriClient client, String img, Map<String, Samples> out) {
        String[] ids = startPod(client, img, out);
        long t2 = System.nanoTime();
        // timeout 0: SIGKILL at once, so the figure is the runtime's and not a grace period's
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(ids[1]).setTimeout(0).build());
        long t3 = System.nanoTime();
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ids[1]).build());
        long t4 = System.nanoTime();
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(ids[0]).build());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(ids[0]).build());
        long t5 = System.nanoTime();
        record(out, PHASES.get(2), t3 - t2);
        record(out, PHASES.get(3), t4 - t3);
        record(out, PHASES.get(4), t5 - t4);
    }

    private static void record(Map<String, Samples> out, String phase, long ns) {
        Samples s = out.get(phase);
        if (s != null) {
            synchronized (s) {
                s.add(ns);
            }
        }
    }

    /** Keeps {@code hold} pods running and reports the daemon's and the pods' resident memory. */
    private void holdPods(CriClient client, Engine engine) throws IOException {
        long idle = rssKb(ProcessHandle.current().pid());
        for (int i = 0; i < hold; i++) {
            startPod(client, IMAGE, new LinkedHashMap<>());
        }
        System.gc();
        long busy = rssKb(ProcessHandle.current().pid());
        long podKb = 0;
        int processes = 0;
        for (var c : engine.containers().list()) {
            podKb += rssKb(c.pid()) + (c.monitorPid() > 0 ? rssKb(c.monitorPid()) : 0);
            processes += c.monitorPid() > 0 ? 2 : 1;
        }
        System.out.printf("daemon RSS: %d KiB idle, %d KiB with %d pods running (one container each)%n", idle, busy,
                hold);
        System.out.printf("per pod (infra + container + their monitors, %d processes in all): %.1f KiB RSS%n",
                processes, podKb / (double) hold);
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    private static void importBusybox(Engine engine, Path work) throws IOException {
        Path rootfs = BusyboxRootfs.populate(work.resolve("busybox-rootfs"),
                "or run against a daemon with --socket and --image");
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        RootfsArchive.write(rootfs, IMAGE, List.of("sh"), archive);
        engine.images().importArchive(new ByteArrayInputStream(archive.toByteArray()), IMAGE, ProgressListener.NONE);
    }

}
