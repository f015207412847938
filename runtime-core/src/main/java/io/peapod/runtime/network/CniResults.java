package io.peapod.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what plugins print: results in the 1.0/0.4/0.3 shape ({@code interfaces},
 * {@code ips}, {@code routes}, {@code dns}) or the older 0.2/0.1 shape ({@code ip4},
 * {@code ip6}), and error objects ({@code code}, {@code msg}, {@code details}).
 */
final class CniResults {
    private CniResults() {
    }

    /** The pod's view of a final ADD result. */
    static PodNetworkStatus toStatus(String network, JsonNode result) {
        List<PodNetworkStatus.Interface> interfaces = new ArrayList<>();
        List<PodNetworkStatus.PodIp> ips = new ArrayList<>();
        List<PodNetworkStatus.Route> routes = new ArrayList<>();
        if (result.has("ip4") || result.has("ip6")) {
            for (String key : List.of("ip4", "ip6")) {
                JsonNode ip = result.path(key);
                if (ip.isObject() && ip.hasNonNull("ip")) {
                    ips.add(new PodNetworkStatus.PodIp(ip.get("ip").asText(), textOrNull(ip, "gateway"), null));
                    routes(ip.path("routes"), routes);
                }
            }
        } else {
            for (JsonNode i : result.path("interfaces")) {
                interfaces.add(new PodNetworkStatus.Interface(i.path("name").asText(""), textOrNull(i, "mac"),
                        textOrNull(i, "sandbox")));
            }
            for (JsonNode ip : result.path("ips")) {
                if (!ip.hasNonNull("address")) {
                    continue;
                }
                String ifName = null;
                if (ip.has("interface") && ip.get("interface").canConvertToInt()) {
                    int index = ip.get("interface").asInt();
                    if (index >= 0 && index < interfaces.size()) {
                        ifName = interfaces.get(index).name();
                    }
                }
                ips.add(new PodNetworkStatus.PodIp(ip.get("address").asText(), textOrNull(ip, "gateway"), ifName));
            }
            routes(result.path("routes"), routes);
        }
        JsonNode dns = result.path("dns");
        DnsConfig dnsConfig = new DnsConfig(strings(dns.path("nameservers")), strings(dns.path("search")),
                strings(dns.path("options")));
        return new PodNetworkStatus(network, false, ips, interfaces, routes, dnsConfig);
    }

    /**
     * The exception for a failed plugin: its error object when it printed one, else
     * the exit status and the end of its stderr.
     */
    static CniException failure(String command, String plugin, String network, int exitStatus, byte[] stdout,
            String stderr) {
        JsonNode error = null;
        try {
            error = stdout.length == 0 ? null : CniNetworkConfig.JSON.readTree(stdout);
        } catch (IOException e) {
            // not an error object; fall through to the exit status
        }
        if (error != null && error.isObject() && error.has("code") && error.get("code").canConvertToInt()) {
            return new CniException(command, plugin, network, error.get("code").asInt(),
                    error.path("msg").asText(""), error.path("details").asText(""));
        }
        String tail = stderr == null ? "" : stderr.strip();
        if (tail.length() > 500) {
            tail = "…" + tail.substring(tail.length() - 500);
        }
        return new CniException(command, plugin, network, CniException.NO_ERROR_OBJECT,
                "exited with status " + exitStatus + " and no CNI error object", tail);
    }

    private static void routes(JsonNode array, List<PodNetworkStatus.Route> out) {
        for (JsonNode r : array) {
            if (r.hasNonNull("dst")) {
                out.add(new PodNetworkStatus.Route(r.get("dst").asText(), textOrNull(r, "gw")));
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            if (n.isTextual()) {
                out.add(n.asText());
            }
        }
        return out;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
