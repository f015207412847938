package io.peapod.cri.streaming.client;

import java.util.List;

/** How a streaming URL is spoken to, with the protocol versions offered in preference order. */
public enum Transport {
    /** SPDY/3.1 upgrade, as kubectl and crictl speak by default. */
    SPDY(List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io"), List.of("portforward.k8s.io")),
    /** WebSocket, as newer kubectl speaks it (v5 has the stdin close signal). */
    WEBSOCKET(List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io"),
            List.of("portforward.k8s.io"));

    private final List<String> remoteCommand;
    private final List<String> portForward;

    Transport(List<String> remoteCommand, List<String> portForward) {
        this.remoteCommand = remoteCommand;
        this.portForward = portForward;
    }

    public List<String> remoteCommandProtocols() {
        return remoteCommand;
    }

    public List<String> portForwardProtocols() {
        return portForward;
    }
}
