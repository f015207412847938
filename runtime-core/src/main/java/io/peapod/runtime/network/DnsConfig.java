package io.peapod.runtime.network;

import java.util.List;

/** DNS settings of a pod: name servers, search domains and resolver options. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
    public DnsConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        searches = searches == null ? List.of() : List.copyOf(searches);
        options = options == null ? List.of() : List.copyOf(options);
    }

    public static DnsConfig empty() {
        return new DnsConfig(List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
    }
}
