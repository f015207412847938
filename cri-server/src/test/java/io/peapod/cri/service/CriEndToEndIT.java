package io.peapod.cri.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peapod.cli.serve.ServeCommand;
import io.peapod.cri.CriClient;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.ContainerFilter;
import io.peapod.cri.v1.ContainerMetadata;
import io.peapod.cri.v1.ContainerState;
import io.peapod.cri.v1.ContainerStateValue;
import io.peapod.cri.v1.ContainerStatsRequest;
import io.peapod.cri.v1.ContainerStatus;
import io.peapod.cri.v1.ContainerStatusRequest;
import io.peapod.cri.v1.CreateContainerRequest;
import io.peapod.cri.v1.ExecSyncRequest;
import io.peapod.cri.v1.ExecSyncResponse;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.ImageStatusRequest;
import io.peapod.cri.v1.LinuxPodSandboxConfig;
import io.peapod.cri.v1.ListContainersRequest;
import io.peapod.cri.v1.ListImagesRequest;
import io.peapod.cri.v1.ListPodSandboxRequest;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.PodSandboxMetadata;
import io.peapod.cri.v1.PodSandboxState;
import io.peapod.cri.v1.PodSandboxStatusRequest;
import io.peapod.cri.v1.RemoveContainerRequest;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.StartContainerRequest;
import io.peapod.cri.v1.StatusRequest;
import io.peapod.cri.v1.StopContainerRequest;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.cri.v1.VersionRequest;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.network.CniOptions;
import io.peapod.runtime.testing.BusyboxBundle;
import io.peapod.runtime.testing.BusyboxImage;
import io.peapod.runtime.testing.ShortTempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CRI over its Unix socket as a kubelet drives it, against a real engine. Needs root. */
class CriEndToEndIT {
    private static final String IMAGE = "localhost/busybox:e2e";

    @TempDir(factory = ShortTempDir.class)
    Path tmp;

    private EngineConfig config;
    private Engine engine;
    private CriEvents events;
    private ServeCommand.Daemon daemon;
    private CriClient client;
    private String cgroupParent;

    @BeforeAll
    static void requireRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(BusyboxBundle.available(), "needs /bin/busybox (Debian's busybox-static)");
    }

    @BeforeEach
    void setUp() throws IOException {
        cgroupParent = "peapod-test-" + UUID.randomUUID().toString().substring(0, 8);
        Files.createDirectories(tmp.resolve("cni"));
        config = new EngineConfig(tmp.resolve("r"), tmp.resolve("s"),
                new CniOptions(tmp.resolve("cni"), List.of(Path.of("/usr/lib/cni")), tmp.resolve("r/cni"),
                        Duration.ofSeconds(30)),
                new RegistryConfig(), cgroupParent);
        start();
        BusyboxImage.importInto(engine.images(), IMAGE, tmp);
    }

    private void start() {
        engine = Engine.open(config);
        events = new CriEvents();
        daemon = ServeCommand.Daemon.start(engine, events, tmp.resolve("s/peapod.sock"));
        client = CriClient.connect(tmp.resolve("s/peapod.sock"));
    }

    private void stop() {
        client.close();
        daemon.stop();
        engine.close();
    }

    @AfterEach
    void tearDown() {
        try {
            for (var p : client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
            }
        } finally {
            stop();
            engine.pods().context().pinner().releaseRunDirs();
            CgroupManagers.forPath(cgroupParent).destroy();
        }
    }

    private PodSandboxConfig podConfig(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name).setLogDirectory(tmp.resolve("logs/" + name).toString())
                .setLinux(LinuxPodSandboxConfig.getDefaultInstance()).putLabels("app", name).build();
    }

    private ContainerConfig containerConfig(String name, String script) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).addCommand("sh").addArgs("-c").addArgs(script)
                .setLogPath(name + "/0.log").putLabels("role", name).build();
    }

    private String createStarted(String pod, PodSandboxConfig podConfig, ContainerConfig c) {
        String id = client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                .setConfig(c).setSandboxConfig(podConfig).build()).getContainerId();
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    private ContainerStatus status(String id) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
                .getStatus();
    }

    private ContainerStatus awaitExit(String id) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            ContainerStatus s = status(id);
            if (s.getState() == ContainerState.CONTAINER_EXITED) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("container " + id + " did not exit");
    }

    @Test
    void aKubeletsSequence() throws Exception {
        assertEquals("peapod", client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        var conditions = client.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();
        assertTrue(conditions.stream().allMatch(c -> c.getStatus()), conditions.toString());
        assertTrue(client.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(IMAGE)).build()).hasImage());
        assertEquals(1, client.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());

        PodSandboxConfig podConfig = podConfig("web");
        String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        assertEquals(PodSandboxState.SANDBOX_READY, client.runtime().podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build()).getStatus().getState());

        String id = createStarted(pod, podConfig, containerConfig("app", "echo hello; echo oops >&2; sleep 30"));
        assertEquals(ContainerState.CONTAINER_RUNNING, status(id).getState());

        ExecSyncResponse exec = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(id)
                .addCmd("sh").addCmd("-c").addCmd("echo out; echo err >&2; hostname; exit 3").setTimeout(10).build());
        assertEquals(3, exec.getExitCode());
        assertEquals("out\nweb\n", exec.getStdout().toStringUtf8());
        assertEquals("err\n", exec.getStderr().toStringUtf8());
        StatusRuntimeException slow = assertThrows(StatusRuntimeException.class, () -> client.runtime().execSync(
                ExecSyncRequest.newBuilder().setContainerId(id).addCmd("sleep").addCmd("20").setTimeout(1).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, slow.getStatus().getCode());

        String url = client.runtime().exec(io.peapod.cri.v1.ExecRequest.newBuilder().setContainerId(id)
                .addCmd("true").setStdout(true).build()).getUrl();
        assertTrue(url.startsWith("http://127.0.0.1:") && url.contains("/exec/"), url);

        Path log = Path.of(status(id).getLogPath());
        String text = "";
        for (int i = 0; i < 50 && !text.contains("stderr F oops"); i++) {
            Thread.sleep(50);
            text = Files.exists(log) ? Files.readString(log) : "";
        }
        assertTrue(text.matches("(?s)\\S+Z stdout F hello\n.*"), text);
        assertTrue(text.contains(" stderr F oops\n"), text);

        var stats = client.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
                .getStats();
        assertTrue(stats.getMemory().getWorkingSetBytes().getValue() > 0, stats.toString());
        assertTrue(stats.getCpu().getUsageCoreNanoSeconds().getValue() > 0, stats.toString());

        var running = client.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
                .newBuilder().setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))
                .putLabelSelector("role", "app")).build()).getContainersList();
        assertEquals(1, running.size());
        assertEquals(0, client.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(
                ContainerFilter.newBuilder().putLabelSelector("role", "nobody")).build()).getContainersCount());

        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(1).build());
        ContainerStatus stopped = status(id);
        assertEquals(ContainerState.CONTAINER_EXITED, stopped.getState());
        assertEquals("Error", stopped.getReason());
        assertEquals(143, stopped.getExitCode(), "ended by the SIGTERM of the stop");
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(1).build());
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> status(id))
                .getStatus().getCode());

        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        assertEquals(0, client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(pod), "a mount of the pod is left");
    }

    @Test
    void completedContainersReportTheirReason() throws Exception {
        PodSandboxConfig podConfig = podConfig("jobs");
        String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        ContainerStatus ok = awaitExit(createStarted(pod, podConfig, containerConfig("ok", "true")));
        assertEquals(0, ok.getExitCode());
        assertEquals("Completed", ok.getReason());
        ContainerStatus bad = awaitExit(createStarted(pod, podConfig, containerConfig("bad", "exit 4")));
        assertEquals(4, bad.getExitCode());
        assertEquals("Error", bad.getReason());
        assertTrue(bad.getFinishedAt() >= bad.getStartedAt() && bad.getStartedAt() >= bad.getCreatedAt());
    }

    @Test
    void theDaemonRestartsWithoutLosingContainers() throws Exception {
        PodSandboxConfig podConfig = podConfig("durable");
        String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        String longRunning = createStarted(pod, podConfig, containerConfig("long", "sleep 30"));
        String shortLived = createStarted(pod, podConfig, containerConfig("short", "sleep 1; exit 5"));
        stop();
        Thread.sleep(1500);
        start();
        assertEquals(ContainerState.CONTAINER_RUNNING, status(longRunning).getState());
        ContainerStatus done = awaitExit(shortLived);
        assertEquals(5, done.getExitCode());
        assertEquals(PodSandboxState.SANDBOX_READY, client.runtime().podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build()).getStatus().getState());
    }

    @Test
    void badRequestsGetTheRightCodesAndLeaveNothing() {
        StatusRuntimeException noMeta = assertThrows(StatusRuntimeException.class, () -> client.runtime()
                .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(PodSandboxConfig.getDefaultInstance())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noMeta.getStatus().getCode());
        StatusRuntimeException unknownPod = assertThrows(StatusRuntimeException.class, () -> client.runtime()
                .createContainer(CreateContainerRequest.newBuilder().setPodSandboxId("feedface")
                        .setConfig(containerConfig("x", "true")).build()));
        assertEquals(Status.Code.NOT_FOUND, unknownPod.getStatus().getCode());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> status("deadbeef")).getStatus().getCode());

        PodSandboxConfig podConfig = podConfig("bad");
        String pod = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
                .getPodSandboxId();
        ContainerConfig noImage = containerConfig("noimage", "true").toBuilder().clearImage().build();
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                        .setConfig(noImage).setSandboxConfig(podConfig).build())).getStatus().getCode());
        ContainerConfig missingImage = containerConfig("missing", "true").toBuilder()
                .setImage(ImageSpec.newBuilder().setImage("localhost/nothing:here")).build();
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class,
                () -> client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                        .setConfig(missingImage).setSandboxConfig(podConfig).build())).getStatus().getCode());
        ContainerConfig badResources = containerConfig("badres", "true").toBuilder()
                .setLinux(io.peapod.cri.v1.LinuxContainerConfig.newBuilder().setResources(
                        io.peapod.cri.v1.LinuxContainerResources.newBuilder().setCpuQuota(-5))).build();
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                () -> client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
                        .setConfig(badResources).setSandboxConfig(podConfig).build())).getStatus().getCode());
        assertEquals(0, client.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersCount(), "a failed create left a container");
        assertTrue(engine.images().snapshotter().activeKeys().isEmpty(), "a failed create left a writable layer");
    }
}
