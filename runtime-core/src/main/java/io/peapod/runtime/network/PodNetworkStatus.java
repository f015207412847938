package io.peapod.runtime.network;

import java.util.List;
import java.util.Optional;

/**
 * A pod's network after setup: the addresses, interfaces and routes the plugins
 * reported and the DNS settings they returned.
 *
 * @param network the CNI network name, or {@code "loopback"} for a loopback-only pod
 * @param loopbackOnly true when the pod has only {@code lo}
 */
public record PodNetworkStatus(String network, boolean loopbackOnly, List<PodIp> ips,
        List<Interface> interfaces, List<Route> routes, DnsConfig dns) {

    public PodNetworkStatus {
        ips = List.copyOf(ips);
        interfaces = List.copyOf(interfaces);
        routes = List.copyOf(routes);
        dns = dns == null ? DnsConfig.empty() : dns;
    }

    public static PodNetworkStatus loopback() {
        return new PodNetworkStatus("loopback", true, List.of(), List.of(), List.of(), DnsConfig.empty());
    }

    /** The first IPv4 address, else the first address: what a CRI sandbox status reports as its IP. */
    public Optional<PodIp> primaryIp() {
        return ips.stream().filter(PodIp::isIpv4).findFirst().or(() -> ips.stream().findFirst());
    }

    /**
     * One address of the pod.
     *
     * @param address with prefix length, e.g. {@code 10.22.0.5/24}
     * @param gateway may be null
     * @param interfaceName the interface it is on, null when the plugin did not say
     */
    public record PodIp(String address, String gateway, String interfaceName) {
        /** The address without its prefix length. */
        public String ip() {
            int slash = address.indexOf('/');
            return slash < 0 ? address : address.substring(0, slash);
        }

        public boolean isIpv4() {
            return ip().indexOf(':') < 0;
        }
    }

    /** @param sandbox the netns path when the interface is inside the pod, else null (host side) */
    public record Interface(String name, String mac, String sandbox) {
    }

    /** @param gateway null for the interface's default */
    public record Route(String destination, String gateway) {
    }
}
