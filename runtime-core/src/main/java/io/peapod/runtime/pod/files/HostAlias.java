package io.peapod.runtime.pod.files;

import java.util.List;

/** Extra {@code /etc/hosts} names for one address (a pod's {@code hostAliases} entry). */
public record HostAlias(String ip, List<String> hostnames) {
    public HostAlias {
        hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
    }
}
