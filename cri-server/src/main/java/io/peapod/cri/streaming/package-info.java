/**
 * The streaming server behind CRI Exec, Attach and PortForward, as a kubelet's is.
 *
 * <p>{@link io.peapod.cri.streaming.StreamingService} answers the CRI calls with URLs carrying
 * single-use tokens that expire after a minute; {@link io.peapod.cri.streaming.StreamingServer}
 * serves them: HTTP/1.1 upgraded to SPDY/3.1 (remotecommand v4, v3, v2; portforward.k8s.io)
 * or WebSocket (remotecommand v5, v4, v4.base64; portforward.k8s.io). Exec runs the process
 * through the helper's exec mode ({@link io.peapod.runtime.container.ExecSession}); attach is
 * a client of the container monitor's attach socket; port-forward connects from a thread that
 * joined the pod's network namespace.
 */
package io.peapod.cri.streaming;
