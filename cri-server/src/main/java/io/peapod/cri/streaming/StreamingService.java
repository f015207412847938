package io.peapod.cri.streaming;

import io.peapod.cri.StreamingHandler;
import io.peapod.cri.v1.AttachRequest;
import io.peapod.cri.v1.AttachResponse;
import io.peapod.cri.v1.ExecRequest;
import io.peapod.cri.v1.ExecResponse;
import io.peapod.cri.v1.PortForwardRequest;
import io.peapod.cri.v1.PortForwardResponse;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.SandboxRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * CRI Exec, Attach and PortForward: each checks its request, stores it under a single-use
 * token and answers with the streaming server's URL for it. Nothing runs until a client
 * connects to that URL.
 */
public final class StreamingService implements StreamingHandler {
    private final StreamingServer server;
    private final ContainerRuntime containers;
    private final SandboxRuntime sandboxes;

    public StreamingService(StreamingServer server, ContainerRuntime containers, SandboxRuntime sandboxes) {
        this.server = server;
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    @Override
    public ExecResponse exec(ExecRequest request) {
        String id = runningContainer(request.getContainerId(), "exec");
        if (request.getCmdCount() == 0) {
            throw new InvalidArgumentException("exec in container " + id + ": cmd is empty");
        }
        checkStreams("exec", id, request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
        StreamRequest.Exec r = new StreamRequest.Exec(id, List.copyOf(request.getCmdList()), request.getTty(),
                request.getStdin(), request.getStdout(), request.getStderr());
        return ExecResponse.newBuilder().setUrl(server.urlFor(r)).build();
    }

    @Override
    public AttachResponse attach(AttachRequest request) {
        String id = runningContainer(request.getContainerId(), "attach");
        checkStreams("attach", id, request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
        StreamRequest.Attach r = new StreamRequest.Attach(id, request.getTty(), request.getStdin(),
                request.getStdout(), request.getStderr());
        return AttachResponse.newBuilder().setUrl(server.urlFor(r)).build();
    }

    @Override
    public PortForwardResponse portForward(PortForwardRequest request) {
        String id = request.getPodSandboxId();
        if (id.isEmpty()) {
            throw new InvalidArgumentException("port-forward: pod_sandbox_id is empty");
        }
        SandboxRecord sandbox = sandboxes.status(id);
        List<Integer> ports = new ArrayList<>();
        for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
                throw new InvalidArgumentException("port-forward to sandbox " + id + ": port " + port
                        + " is out of range 1-65535");
            }
            ports.add(port);
        }
        StreamRequest.PortForward r = new StreamRequest.PortForward(sandbox.id(), sandbox.netns(), ports);
        return PortForwardResponse.newBuilder().setUrl(server.urlFor(r)).build();
    }

    private String runningContainer(String id, String verb) {
        if (id.isEmpty()) {
            throw new InvalidArgumentException(verb + ": container_id is empty");
        }
        ContainerRecord r = containers.state(id);
        if (r.status() != ContainerStatus.RUNNING) {
            throw new FailedPreconditionException("container " + r.id() + " is " + r.status().ociName()
                    + "; " + verb + " needs a running container");
        }
        return r.id();
    }

    private static void checkStreams(String verb, String id, boolean tty, boolean stdin, boolean stdout,
                                     boolean stderr) {
        if (!stdin && !stdout && !stderr) {
            throw new InvalidArgumentException(verb + " in container " + id
                    + ": one of stdin, stdout or stderr must be set");
        }
        if (tty && stderr) {
            throw new InvalidArgumentException(verb + " in container " + id
                    + ": tty and stderr cannot both be set (a terminal merges stderr into stdout)");
        }
    }
}
