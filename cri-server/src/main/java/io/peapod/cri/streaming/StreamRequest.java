package io.peapod.cri.streaming;

import java.util.List;

/** What a token stands for: one exec, attach or port-forward the CRI was asked for. */
public sealed interface StreamRequest {
    String path();

    /** A command in a container. */
    record Exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements StreamRequest {
        @Override
        public String path() {
            return "exec";
        }
    }

    /** The stdio of a container's own process. */
    record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements StreamRequest {
        @Override
        public String path() {
            return "attach";
        }
    }

    /** Connections to ports inside a pod's network namespace ({@code netns} null: the host's). */
    record PortForward(String sandboxId, String netns, List<Integer> ports) implements StreamRequest {
        @Override
        public String path() {
            return "portforward";
        }
    }
}
