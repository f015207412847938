package io.peapod.cri.service;

import com.google.protobuf.ByteString;
import io.peapod.cri.ContainerHandler;
import io.peapod.cri.translate.ContainerSpecBuilder;
import io.peapod.cri.translate.LayeredRootfsReader;
import io.peapod.cri.translate.ResourceTranslator;
import io.peapod.cri.translate.SandboxContext;
import io.peapod.cri.translate.Translation;
import io.peapod.cri.v1.CheckpointContainerRequest;
import io.peapod.cri.v1.CheckpointContainerResponse;
import io.peapod.cri.v1.Container;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.ContainerFilter;
import io.peapod.cri.v1.ContainerStatusRequest;
import io.peapod.cri.v1.ContainerStatusResponse;
import io.peapod.cri.v1.CreateContainerRequest;
import io.peapod.cri.v1.CreateContainerResponse;
import io.peapod.cri.v1.ExecSyncRequest;
import io.peapod.cri.v1.ExecSyncResponse;
import io.peapod.cri.v1.ListContainersRequest;
import io.peapod.cri.v1.ListContainersResponse;
import io.peapod.cri.v1.ReopenContainerLogRequest;
import io.peapod.cri.v1.ReopenContainerLogResponse;
import io.peapod.cri.v1.RemoveContainerRequest;
import io.peapod.cri.v1.RemoveContainerResponse;
import io.peapod.cri.v1.StartContainerRequest;
import io.peapod.cri.v1.StartContainerResponse;
import io.peapod.cri.v1.StopContainerRequest;
import io.peapod.cri.v1.StopContainerResponse;
import io.peapod.cri.v1.UpdateContainerResourcesRequest;
import io.peapod.cri.v1.UpdateContainerResourcesResponse;
import io.peapod.helper.MonitorClient;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerIds;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.ResourcesToCgroup;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.pod.NamespaceMode;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.SandboxState;
import io.peapod.runtime.pod.files.PodFiles;
import io.peapod.runtime.spec.LinuxResources;
import io.peapod.runtime.spec.Process;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The CRI's container calls over the engine: creation through the CRI → OCI translation. */
public final class CriContainers implements ContainerHandler {
    /** ExecSync output kept per stream: two of them fit the kubelet's 16 MiB message limit. */
    static final int EXEC_SYNC_OUTPUT_LIMIT = 8 * 1024 * 1024 - 4096;
    private static final Logger LOG = LoggerFactory.getLogger(CriContainers.class);

    private final Engine engine;
    private final CriEvents events;
    private final CriContainerStatuses statuses;

    public CriContainers(Engine engine, CriEvents events) {
        this.engine = engine;
        this.events = events;
        this.statuses = new CriContainerStatuses(engine);
    }

    public CriContainerStatuses statuses() {
        return statuses;
    }

    @Override
    public CreateContainerResponse createContainer(CreateContainerRequest request) {
        if (!request.hasConfig() || !request.getConfig().hasMetadata()) {
            throw new InvalidArgumentException("CreateContainer: config.metadata is required");
        }
        ContainerConfig config = request.getConfig();
        String image = config.getImage().getImage();
        if (image.isEmpty()) {
            throw new InvalidArgumentException("container " + config.getMetadata().getName() + ": image is empty");
        }
        String sandboxId = engine.pods().resolveId(request.getPodSandboxId());
        SandboxRecord pod = engine.pods().status(sandboxId);
        if (pod.state() != SandboxState.READY) {
            throw new FailedPreconditionException("pod sandbox " + sandboxId + " is not ready");
        }
        refuseDuplicateName(sandboxId, config);
        String id = ContainerIds.random();
        Engine.PreparedRootfs rootfs = engine.prepareRootfs(id, image);
        try {
            Translation t = ContainerSpecBuilder.build(id, config, request.getSandboxConfig(), context(pod),
                    rootfs.image().config(), rootfs.bundle().resolve("rootfs"),
                    new LayeredRootfsReader(rootfs.layersTopmostFirst()));
            for (Path dir : t.hostDirsToCreate()) {
                Files.createDirectories(dir);
            }
            for (String w : t.warnings()) {
                LOG.warn("container {} ({}): {}", id, config.getMetadata().getName(), w);
            }
            CreateOptions options = CreateOptions.detached();
            if (t.logPath() != null) {
                Files.createDirectories(t.logPath().getParent());
                options = CreateOptions.logTo(t.logPath());
            }
            if (config.getStdin()) {
                options = options.withStdin(config.getStdinOnce());
            }
            t.spec().annotations.put(Engine.IMAGE_NAME, image);
            engine.createPrepared(id, rootfs, t.spec(), sandboxId, options);
            meta(id, sandboxId, config, t, rootfs.image().id().toString()).write(dir(id));
        } catch (IOException e) {
            engine.discard(id);
            throw new UncheckedIOException("container " + config.getMetadata().getName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (engine.containers().list().stream().anyMatch(c -> c.id().equals(id))) {
                engine.removeContainer(id, true);
            } else {
                engine.discard(id);
            }
            throw e;
        }
        events.containerCreated(id, sandboxId);
        return CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    private CriContainerMeta meta(String id, String sandboxId, ContainerConfig config, Translation t, String imageId) {
        var user = t.spec().process.user;
        List<CriContainerMeta.CriMount> mounts = new ArrayList<>();
        for (io.peapod.cri.v1.Mount m : config.getMountsList()) {
            mounts.add(new CriContainerMeta.CriMount(m.getContainerPath(), m.getHostPath(), m.getReadonly(),
                    m.getPropagation().name()));
        }
        return new CriContainerMeta(sandboxId, config.getMetadata().getName(), config.getMetadata().getAttempt(),
                config.getLabelsMap(), config.getAnnotationsMap(), config.getImage().getImage(), imageId,
                t.logPath() == null ? "" : t.logPath().toString(), user.uid == null ? 0 : user.uid,
                user.gid == null ? 0 : user.gid, user.additionalGids == null ? List.of() : user.additionalGids,
                mounts, t.warnings());
    }

    private void refuseDuplicateName(String sandboxId, ContainerConfig config) {
        for (ContainerRecord c : engine.pods().containersOf(sandboxId)) {
            CriContainerMeta.read(dir(c.id())).ifPresent(m -> {
                if (m.name().equals(config.getMetadata().getName())
                        && m.attempt() == config.getMetadata().getAttempt()) {
                    throw new AlreadyExistsException("container " + m.name() + " (attempt " + m.attempt()
                            + ") exists already in pod sandbox " + sandboxId + " as " + c.id());
                }
            });
        }
    }

    private SandboxContext context(SandboxRecord pod) {
        Path podDir = engine.pods().directoryOf(pod.id());
        SandboxContext.PidMode pid = switch (pod.config().pid()) {
            case POD -> SandboxContext.PidMode.POD;
            case NODE -> SandboxContext.PidMode.NODE;
            default -> SandboxContext.PidMode.CONTAINER;
        };
        long infraPid = pod.config().pid() == NamespaceMode.POD ? engine.containers().state(pod.infraId()).pid() : 0;
        return new SandboxContext(pod.id(), path(pod.netns()), path(pod.ipcns()), path(pod.utsns()), pid, infraPid,
                null, pod.cgroupParent(), podDir.resolve(PodFiles.HOSTS), podDir.resolve(PodFiles.RESOLV_CONF),
                podDir.resolve(PodFiles.HOSTNAME), pod.ipcns() == null ? null : podDir.resolve("shm"),
                pod.config().effectiveHostname(),
                pod.config().logDirectory() == null ? null : Path.of(pod.config().logDirectory()), null);
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }

    Path dir(String containerId) {
        return engine.containers().context().store().directoryOf(containerId);
    }

    /** Resolves a unique prefix of a container id. */
    String resolve(String prefix) {
        if (prefix.isEmpty()) {
            throw new InvalidArgumentException("container_id is empty");
        }
        List<String> matches = engine.containers().context().store().ids().stream()
                .filter(i -> i.startsWith(prefix)).toList();
        if (matches.isEmpty()) {
            throw new NotFoundException("container " + prefix + " does not exist");
        }
        if (matches.size() > 1) {
            throw new InvalidArgumentException("container id prefix " + prefix + " is ambiguous: " + matches);
        }
        return matches.get(0);
    }

    @Override
    public StartContainerResponse startContainer(StartContainerRequest request) {
        String id = resolve(request.getContainerId());
        engine.containers().start(id);
        events.containerStarted(id, sandboxOf(id));
        return StartContainerResponse.getDefaultInstance();
    }

    @Override
    public StopContainerResponse stopContainer(StopContainerRequest request) {
        String id = resolve(request.getContainerId());
        ContainerRecord before = engine.containers().state(id);
        if (before.status() != ContainerStatus.STOPPED) {
            engine.containers().stop(id, Duration.ofSeconds(Math.max(0, request.getTimeout())));
            events.containerStopped(id, sandboxOf(id));
        }
        return StopContainerResponse.getDefaultInstance();
    }

    @Override
    public RemoveContainerResponse removeContainer(RemoveContainerRequest request) {
        String id;
        try {
            id = resolve(request.getContainerId());
        } catch (NotFoundException e) {
            return RemoveContainerResponse.getDefaultInstance();
        }
        String sandbox = sandboxOf(id);
        engine.removeContainer(id, true);
        events.containerDeleted(id, sandbox);
        return RemoveContainerResponse.getDefaultInstance();
    }

    String sandboxOf(String id) {
        ContainerRecord r = engine.containers().state(id);
        return r.annotations() == null ? "" : r.annotations().getOrDefault(
                io.peapod.runtime.pod.PodAnnotations.SANDBOX_ID, "");
    }

    @Override
    public ListContainersResponse listContainers(ListContainersRequest request) {
        ContainerFilter f = request.getFilter();
        ListContainersResponse.Builder out = ListContainersResponse.newBuilder();
        for (ContainerRecord r : engine.containers().list()) {
            var meta = CriContainerMeta.read(dir(r.id()));
            if (meta.isEmpty()) {
                continue;
            }
            CriContainerMeta m = meta.get();
            if (!f.getId().isEmpty() && !r.id().startsWith(f.getId())) {
                continue;
            }
            if (!f.getPodSandboxId().isEmpty() && !m.sandboxId().startsWith(f.getPodSandboxId())) {
                continue;
            }
            if (f.hasState() && f.getState().getState() != CriContainerStatuses.state(r.status())) {
                continue;
            }
            if (!CriLabels.matches(m.labels(), f.getLabelSelectorMap())) {
                continue;
            }
            out.addContainers(Container.newBuilder().setId(r.id()).setPodSandboxId(m.sandboxId())
                    .setMetadata(CriContainerStatuses.metadata(m))
                    .setImage(io.peapod.cri.v1.ImageSpec.newBuilder().setImage(m.image()))
                    .setImageRef(m.imageRef()).setImageId(m.imageRef())
                    .setState(CriContainerStatuses.state(r.status()))
                    .setCreatedAt(CriPodSandboxes.nanos(r.created()))
                    .putAllLabels(m.labels()).putAllAnnotations(m.annotations()));
        }
        return out.build();
    }

    @Override
    public ContainerStatusResponse containerStatus(ContainerStatusRequest request) {
        String id = resolve(request.getContainerId());
        return statuses.response(id, request.getVerbose());
    }

    @Override
    public UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest request) {
        String id = resolve(request.getContainerId());
        ContainerRecord r = engine.containers().state(id);
        if (r.status() == ContainerStatus.STOPPED) {
            throw new FailedPreconditionException("container " + id + " is stopped; its resources cannot change");
        }
        LinuxResources res = new LinuxResources();
        ResourceTranslator.apply("container " + id, request.getLinux(), res);
        try {
            engine.containers().context().cgroups().apply(r.cgroupPath()).update(ResourcesToCgroup.translate(res));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("container " + id + ": resources: " + e.getMessage());
        }
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }

    @Override
    public ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request) {
        String id = resolve(request.getContainerId());
        ContainerRecord r = engine.containers().state(id);
        if (r.status() != ContainerStatus.RUNNING && r.status() != ContainerStatus.PAUSED) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; only a running container's log can be reopened");
        }
        MonitorClient.reopenLog(dir(id));
        return ReopenContainerLogResponse.getDefaultInstance();
    }

    @Override
    public ExecSyncResponse execSync(ExecSyncRequest request) {
        String id = resolve(request.getContainerId());
        if (request.getCmdCount() == 0) {
            throw new InvalidArgumentException("ExecSync in container " + id + ": cmd is empty");
        }
        Process p = engine.containers().execProcess(id, request.getCmdList(), null, null, null, null, false);
        Path work;
        try {
            work = Files.createTempDirectory(dir(id), "execsync-");
        } catch (IOException e) {
            throw new UncheckedIOException("ExecSync in container " + id + ": " + e.getMessage(), e);
        }
        try {
            Path out = work.resolve("stdout");
            Path err = work.resolve("stderr");
            Files.createFile(out);
            Files.createFile(err);
            Duration timeout = request.getTimeout() > 0 ? Duration.ofSeconds(request.getTimeout()) : null;
            int code = engine.containers().exec(id, p, Map.of(0, "/dev/null", 1, out.toString(), 2, err.toString()),
                    timeout);
            return ExecSyncResponse.newBuilder().setExitCode(code).setStdout(capped(out)).setStderr(capped(err))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("ExecSync in container " + id + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private static ByteString capped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ByteString.copyFrom(in.readNBytes(EXEC_SYNC_OUTPUT_LIMIT));
        }
    }

    private static void deleteTree(Path dir) {
        try {
            io.peapod.runtime.util.FileTrees.delete(dir);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }

    @Override
    public CheckpointContainerResponse checkpointContainer(CheckpointContainerRequest request) {
        throw new UnsupportedOperationException("CheckpointContainer is not supported by peapod: "
                + "it has no checkpoint/restore (CRIU) support");
    }
}
