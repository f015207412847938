package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CniResultsTest {

    private static JsonNode json(String s) throws Exception {
        return CniNetworkConfig.JSON.readTree(s);
    }

    @Test
    void readsA100Result() throws Exception {
        JsonNode r = json("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"aa:bb:cc:dd:ee:01\"},"
                + "{\"name\":\"veth1\",\"mac\":\"aa:bb:cc:dd:ee:02\"},"
                + "{\"name\":\"eth0\",\"mac\":\"aa:bb:cc:dd:ee:03\",\"sandbox\":\"/run/peapod/netns/p\"}],"
                + "\"ips\":[{\"interface\":2,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"},"
                + "{\"interface\":2,\"address\":\"10.22.0.5/24\",\"gateway\":\"10.22.0.1\"}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.22.0.1\"},{\"dst\":\"10.96.0.0/12\"}],"
                + "\"dns\":{\"nameservers\":[\"10.96.0.10\"],\"search\":[\"svc.cluster.local\"],\"options\":[\"ndots:5\"]}}");
        PodNetworkStatus s = CniResults.toStatus("podnet", r);
        assertEquals("podnet", s.network());
        assertFalse(s.loopbackOnly());
        assertEquals(2, s.ips().size());
        assertEquals("10.22.0.5", s.primaryIp().orElseThrow().ip(), "IPv4 first");
        assertEquals("10.22.0.1", s.primaryIp().orElseThrow().gateway());
        assertEquals("eth0", s.ips().get(0).interfaceName());
        assertEquals(3, s.interfaces().size());
        assertEquals("/run/peapod/netns/p", s.interfaces().get(2).sandbox());
        assertNull(s.interfaces().get(0).sandbox());
        assertEquals(new PodNetworkStatus.Route("0.0.0.0/0", "10.22.0.1"), s.routes().get(0));
        assertNull(s.routes().get(1).gateway());
        assertEquals(new DnsConfig(List.of("10.96.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")), s.dns());
    }

    @Test
    void readsA040Result() throws Exception {
        JsonNode r = json("{\"cniVersion\":\"0.4.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/x\"}],"
                + "\"ips\":[{\"version\":\"4\",\"interface\":0,\"address\":\"10.1.2.3/16\",\"gateway\":\"10.1.0.1\"}],"
                + "\"dns\":{}}");
        PodNetworkStatus s = CniResults.toStatus("old", r);
        assertEquals("10.1.2.3/16", s.ips().get(0).address());
        assertEquals("eth0", s.ips().get(0).interfaceName());
        assertTrue(s.dns().isEmpty());
    }

    @Test
    void readsA020ResultAndOutOfRangeInterfaces() throws Exception {
        PodNetworkStatus s = CniResults.toStatus("legacy", json("{\"cniVersion\":\"0.2.0\","
                + "\"ip4\":{\"ip\":\"10.9.0.2/24\",\"gateway\":\"10.9.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},"
                + "\"dns\":{\"nameservers\":[\"1.1.1.1\"]}}"));
        assertEquals("10.9.0.2", s.primaryIp().orElseThrow().ip());
        assertEquals(1, s.routes().size());
        assertEquals(List.of("1.1.1.1"), s.dns().servers());

        PodNetworkStatus odd = CniResults.toStatus("n", json("{\"ips\":[{\"interface\":7,\"address\":\"10.0.0.1/8\"}]}"));
        assertNull(odd.ips().get(0).interfaceName());
        assertTrue(odd.interfaces().isEmpty());
    }

    @Test
    void errorObjectGivesCodeAndMessage() {
        CniException e = CniResults.failure("ADD", "bridge", "podnet", 1,
                "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"try again later\",\"details\":\"lock held\"}"
                        .getBytes(StandardCharsets.UTF_8), "");
        assertEquals(11, e.code());
        assertEquals("try again later", e.cniMessage());
        assertEquals("lock held", e.details());
        assertEquals("bridge", e.plugin());
        assertEquals("podnet", e.network());
        assertTrue(e.getMessage().contains("CNI plugin bridge of network podnet failed ADD: try again later"),
                e.getMessage());
    }

    @Test
    void crashWithoutErrorObjectReportsExitStatusAndStderr() {
        CniException e = CniResults.failure("DEL", "portmap", "podnet", 2, "panic: oops".getBytes(StandardCharsets.UTF_8),
                "goroutine 1 [running]\n");
        assertEquals(CniException.NO_ERROR_OBJECT, e.code());
        assertTrue(e.getMessage().contains("exited with status 2"), e.getMessage());
        assertTrue(e.details().contains("goroutine 1"), e.details());
    }
}
