package io.peapod.runtime.network;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.Locale;

/**
 * A hostPort: traffic to {@code hostIp:hostPort} (all host addresses when
 * {@code hostIp} is empty) goes to {@code containerPort} in the pod. The protocol is
 * {@code tcp}, {@code udp} or {@code sctp}.
 */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIp) {
    public PortMapping {
        if (hostPort < 1 || hostPort > 65535) {
            throw new InvalidArgumentException("port mapping has an invalid hostPort " + hostPort);
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw new InvalidArgumentException("port mapping has an invalid containerPort " + containerPort);
        }
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("sctp")) {
            throw new InvalidArgumentException("port mapping " + hostPort + " has an invalid protocol \"" + protocol
                    + "\" (want tcp, udp or sctp)");
        }
        hostIp = hostIp == null ? "" : hostIp;
    }
}
