package io.peapod.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The inputs of one plugin call as the CNI spec 1.0 defines them: the {@code CNI_*}
 * environment and the network config on stdin, with {@code name}, {@code cniVersion},
 * {@code prevResult} and the {@code runtimeConfig} of the capabilities the plugin declares.
 */
final class CniInvocation {
    private static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final Pattern ARG_VALUE = Pattern.compile("[^;=\\s]*");
    private static final Pattern IFNAME = Pattern.compile("[^/:\\s]{1,15}");

    private CniInvocation() {
    }

    /** {@code CNI_ARGS}: the kubelet's pod identity, with IgnoreUnknown so plugins accept them. */
    static String cniArgs(PodNetworkRequest r) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("IgnoreUnknown", "1");
        args.put("K8S_POD_NAMESPACE", r.podNamespace());
        args.put("K8S_POD_NAME", r.podName());
        args.put("K8S_POD_INFRA_CONTAINER_ID", r.sandboxId());
        args.put("K8S_POD_UID", r.podUid());
        for (Map.Entry<String, String> e : args.entrySet()) {
            if (e.getValue() != null && !ARG_VALUE.matcher(e.getValue()).matches()) {
                throw new InvalidArgumentException("pod " + r.podNamespace() + "/" + r.podName() + " has an invalid "
                        + e.getKey() + " \"" + e.getValue() + "\" for CNI_ARGS");
            }
        }
        return args.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()))
                .collect(Collectors.joining(";"));
    }

    /** The environment a plugin gets on top of the runtime's own. */
    static Map<String, String> environment(String command, String containerId, String netns, String ifName,
            String cniArgs, List<Path> binDirs) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new InvalidArgumentException("invalid CNI container id " + (containerId == null ? "null"
                    : "\"" + containerId + "\"") + ": want letters, digits, '_', '.', '-'");
        }
        if (ifName == null || !IFNAME.matcher(ifName).matches() || ifName.equals(".") || ifName.equals("..")) {
            throw new InvalidArgumentException("invalid CNI interface name \"" + ifName + "\"");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns == null ? "" : netns);
        env.put("CNI_IFNAME", ifName);
        env.put("CNI_ARGS", cniArgs);
        env.put("CNI_PATH", binDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        return env;
    }

    /** Every capability argument the runtime has for this pod, keyed by capability name. */
    static ObjectNode capabilityArgs(PodNetworkRequest r) {
        ObjectNode rc = CniNetworkConfig.JSON.createObjectNode();
        if (!r.portMappings().isEmpty()) {
            ArrayNode ports = rc.putArray("portMappings");
            for (PortMapping p : r.portMappings()) {
                ObjectNode o = ports.addObject();
                o.put("hostPort", p.hostPort());
                o.put("containerPort", p.containerPort());
                o.put("protocol", p.protocol());
                if (!p.hostIp().isEmpty()) {
                    o.put("hostIP", p.hostIp());
                }
            }
        }
        if (r.bandwidth() != null) {
            Bandwidth b = r.bandwidth();
            ObjectNode o = rc.putObject("bandwidth");
            o.put("ingressRate", b.ingressRate());
            o.put("ingressBurst", b.ingressBurst());
            o.put("egressRate", b.egressRate());
            o.put("egressBurst", b.egressBurst());
        }
        if (r.dns() != null && !r.dns().isEmpty()) {
            ObjectNode o = rc.putObject("dns");
            r.dns().servers().forEach(o.putArray("servers")::add);
            r.dns().searches().forEach(o.putArray("searches")::add);
            r.dns().options().forEach(o.putArray("options")::add);
        }
        return rc;
    }

    /**
     * The stdin of one plugin: its own config with the network's name and version,
     * the previous result when there is one, and {@code runtimeConfig} holding the
     * capability arguments that the plugin declares in {@code capabilities}.
     */
    static ObjectNode pluginInput(CniNetworkConfig network, ObjectNode plugin, JsonNode prevResult,
            JsonNode capabilityArgs) {
        ObjectNode in = plugin.deepCopy();
        in.put("name", network.name());
        in.put("cniVersion", network.cniVersion());
        JsonNode caps = plugin.get("capabilities");
        in.remove("prevResult");
        if (caps != null && caps.isObject() && capabilityArgs != null) {
            ObjectNode rc = CniNetworkConfig.JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> e : caps.properties()) {
                if (e.getValue().asBoolean(false) && capabilityArgs.has(e.getKey())) {
                    rc.set(e.getKey(), capabilityArgs.get(e.getKey()).deepCopy());
                }
            }
            if (!rc.isEmpty()) {
                in.set("runtimeConfig", rc);
            }
        }
        if (prevResult != null && !prevResult.isNull()) {
            in.set("prevResult", prevResult.deepCopy());
        }
        return in;
    }
}
