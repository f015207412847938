package io.peapod.cri.service;

import io.peapod.cri.v1.ContainerMetadata;
import io.peapod.cri.v1.ContainerState;
import io.peapod.cri.v1.ContainerStatusResponse;
import io.peapod.cri.v1.ContainerUser;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.LinuxContainerUser;
import io.peapod.cri.v1.MountPropagation;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.errors.NotFoundException;
import java.util.LinkedHashMap;
import java.util.Map;

/** ContainerStatus as the kubelet reads it: state, times, exit code with its reason, image, mounts, log. */
public final class CriContainerStatuses {
    private final Engine engine;

    CriContainerStatuses(Engine engine) {
        this.engine = engine;
    }

    static ContainerState state(ContainerStatus s) {
        switch (s) {
            case CREATED:
                return ContainerState.CONTAINER_CREATED;
            case RUNNING:
            case PAUSED:
                return ContainerState.CONTAINER_RUNNING;
            case STOPPED:
                return ContainerState.CONTAINER_EXITED;
            default:
                return ContainerState.CONTAINER_UNKNOWN;
        }
    }

    static ContainerMetadata metadata(CriContainerMeta m) {
        return ContainerMetadata.newBuilder().setName(m.name()).setAttempt(m.attempt()).build();
    }

    public io.peapod.cri.v1.ContainerStatus status(String id) {
        ContainerRecord r = engine.containers().state(id);
        CriContainerMeta m = CriContainerMeta.read(engine.containers().context().store().directoryOf(id))
                .orElseThrow(() -> new NotFoundException("container " + id + " was not created through the CRI"));
        io.peapod.cri.v1.ContainerStatus.Builder s = io.peapod.cri.v1.ContainerStatus.newBuilder()
                .setId(r.id()).setMetadata(metadata(m)).setState(state(r.status()))
                .setCreatedAt(CriPodSandboxes.nanos(r.created()))
                .setStartedAt(CriPodSandboxes.nanos(r.started()))
                .setFinishedAt(CriPodSandboxes.nanos(r.finished()))
                .setImage(ImageSpec.newBuilder().setImage(m.image()))
                .setImageRef(m.imageRef()).setImageId(m.imageRef())
                .putAllLabels(m.labels()).putAllAnnotations(m.annotations())
                .setLogPath(m.logPath())
                .setUser(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder().setUid(m.uid())
                        .setGid(m.gid()).addAllSupplementalGroups(m.groups())));
        for (CriContainerMeta.CriMount mount : m.mounts()) {
            s.addMounts(io.peapod.cri.v1.Mount.newBuilder().setContainerPath(mount.containerPath())
                    .setHostPath(mount.hostPath()).setReadonly(mount.readonly())
                    .setPropagation(MountPropagation.valueOf(mount.propagation())));
        }
        if (r.status() == ContainerStatus.STOPPED) {
            int code = r.exitCode() == null ? 255 : r.exitCode();
            s.setExitCode(code);
            if (Boolean.TRUE.equals(r.oomKilled())) {
                s.setReason("OOMKilled");
            } else {
                s.setReason(code == 0 ? "Completed" : "Error");
            }
        }
        return s.build();
    }

    ContainerStatusResponse response(String id, boolean verbose) {
        ContainerStatusResponse.Builder out = ContainerStatusResponse.newBuilder().setStatus(status(id));
        if (verbose) {
            ContainerRecord r = engine.containers().state(id);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("pid", r.pid());
            info.put("monitorPid", r.monitorPid());
            info.put("bundle", r.bundle());
            info.put("cgroupPath", r.cgroupPath());
            info.put("runtimeStatus", r.status().ociName());
            CriContainerMeta.read(engine.containers().context().store().directoryOf(id))
                    .ifPresent(m -> info.put("notApplied", m.warnings()));
            out.putInfo("info", CriJson.toJson(info));
        }
        return out.build();
    }
}
