package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CniInvocationTest {
    private static final CniNetworkConfig NET = CniNetworkConfig.parse(("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\","
            + "\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true,"
            + "\"bandwidth\":false}},{\"type\":\"bandwidth\",\"capabilities\":{\"bandwidth\":true,\"dns\":true}}]}")
            .getBytes(StandardCharsets.UTF_8), true, "test");

    private static PodNetworkRequest request() {
        return new PodNetworkRequest("sb1", "web", "default", "uid-1", Path.of("/run/peapod/netns/sb1"),
                List.of(new PortMapping(8080, 80, "TCP", ""), new PortMapping(5353, 53, "udp", "127.0.0.1")),
                new Bandwidth(1000, 2000, 3000, 4000), new DnsConfig(List.of("10.96.0.10"), List.of("svc.local"),
                        List.of("ndots:5")));
    }

    @Test
    void cniArgsCarryThePodIdentity() {
        assertEquals("IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=sb1;"
                + "K8S_POD_UID=uid-1", CniInvocation.cniArgs(request()));
    }

    @Test
    void cniArgsRefuseSeparatorsInValues() {
        PodNetworkRequest bad = PodNetworkRequest.of("sb1", "web;K8S_POD_NAME=evil", "default", "u", Path.of("/x"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CniInvocation.cniArgs(bad));
        assertTrue(e.getMessage().contains("K8S_POD_NAME"), e.getMessage());
    }

    @Test
    void environmentFollowsTheSpec() {
        Map<String, String> env = CniInvocation.environment("ADD", "sb1", "/run/peapod/netns/sb1", "eth0", "A=1",
                List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")));
        assertEquals(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "sb1", "CNI_NETNS", "/run/peapod/netns/sb1",
                "CNI_IFNAME", "eth0", "CNI_ARGS", "A=1", "CNI_PATH", "/opt/cni/bin:/usr/lib/cni"), env);
        assertThrows(InvalidArgumentException.class,
                () -> CniInvocation.environment("ADD", "bad id", "", "eth0", "", List.of(Path.of("/x"))));
        assertThrows(InvalidArgumentException.class,
                () -> CniInvocation.environment("ADD", "sb1", "", "a/b", "", List.of(Path.of("/x"))));
        assertThrows(InvalidArgumentException.class,
                () -> CniInvocation.environment("ADD", "sb1", "", "sixteen-chars-xx", "", List.of(Path.of("/x"))));
    }

    @Test
    void runtimeConfigHoldsOnlyDeclaredCapabilities() {
        ObjectNode caps = CniInvocation.capabilityArgs(request());
        List<ObjectNode> plugins = NET.plugins();

        ObjectNode bridge = CniInvocation.pluginInput(NET, plugins.get(0), null, caps);
        assertEquals("podnet", bridge.get("name").asText());
        assertEquals("1.0.0", bridge.get("cniVersion").asText());
        assertFalse(bridge.has("runtimeConfig"));
        assertFalse(bridge.has("prevResult"));

        ObjectNode portmap = CniInvocation.pluginInput(NET, plugins.get(1), null, caps);
        JsonNode ports = portmap.get("runtimeConfig").get("portMappings");
        assertEquals(2, ports.size());
        assertEquals(8080, ports.get(0).get("hostPort").asInt());
        assertEquals(80, ports.get(0).get("containerPort").asInt());
        assertEquals("tcp", ports.get(0).get("protocol").asText());
        assertFalse(ports.get(0).has("hostIP"));
        assertEquals("127.0.0.1", ports.get(1).get("hostIP").asText());
        assertFalse(portmap.get("runtimeConfig").has("bandwidth"), "declared false");

        JsonNode prev = CniNetworkConfig.JSON.createObjectNode().put("cniVersion", "1.0.0");
        ObjectNode bw = CniInvocation.pluginInput(NET, plugins.get(2), prev, caps);
        assertEquals(1000, bw.get("runtimeConfig").get("bandwidth").get("ingressRate").asLong());
        assertEquals(4000, bw.get("runtimeConfig").get("bandwidth").get("egressBurst").asLong());
        assertEquals("10.96.0.10", bw.get("runtimeConfig").get("dns").get("servers").get(0).asText());
        assertEquals("ndots:5", bw.get("runtimeConfig").get("dns").get("options").get(0).asText());
        assertEquals("1.0.0", bw.get("prevResult").get("cniVersion").asText());
    }

    @Test
    void portMappingsAreValidated() {
        assertThrows(InvalidArgumentException.class, () -> new PortMapping(0, 80, "tcp", ""));
        assertThrows(InvalidArgumentException.class, () -> new PortMapping(80, 70000, "tcp", ""));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> new PortMapping(80, 80, "icmp", ""));
        assertTrue(e.getMessage().contains("icmp"), e.getMessage());
    }
}
