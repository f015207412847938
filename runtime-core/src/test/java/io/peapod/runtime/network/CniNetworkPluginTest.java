package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin runner against fake plugins (shell scripts that record their environment
 * and stdin). The process's own network namespace stands in for a pinned one, so no
 * root is needed.
 */
class CniNetworkPluginTest {
    private static final Path OWN_NETNS = Path.of("/proc/self/ns/net");
    private static final String RESULT_A = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
            + "\"sandbox\":\"/proc/self/ns/net\"}],\"ips\":[{\"interface\":0,\"address\":\"10.77.0.5/24\","
            + "\"gateway\":\"10.77.0.1\"}]}";
    private static final String RESULT_B = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\","
            + "\"sandbox\":\"/proc/self/ns/net\"}],\"ips\":[{\"interface\":0,\"address\":\"10.77.0.5/24\","
            + "\"gateway\":\"10.77.0.1\"}],\"dns\":{\"nameservers\":[\"10.77.0.1\"]}}";

    @TempDir
    Path tmp;
    private Path conf;
    private Path bin;
    private Path log;
    private CniNetworkPlugin plugin;

    @BeforeEach
    void setUp() throws IOException {
        conf = Files.createDirectories(tmp.resolve("net.d"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        log = Files.createDirectories(tmp.resolve("log"));
        plugin = new CniNetworkPlugin(new CniOptions(conf, List.of(tmp.resolve("empty-bin"), bin),
                tmp.resolve("cache"), Duration.ofSeconds(20)));
        fakePlugin("fake-a", RESULT_A, null);
        fakePlugin("fake-b", RESULT_B, null);
        fakePlugin("fake-fail", null,
                "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"invalid network config\",\"details\":\"no subnet\"}");
    }

    /** A plugin that logs "COMMAND type containerid netns ifname args path" and its stdin, then answers. */
    private void fakePlugin(String type, String addResult, String addError) throws IOException {
        String script = "#!/bin/sh\n"
                + "n=$(cat '" + log + "/calls' 2>/dev/null | wc -l)\n"
                + "cat > '" + log + "'/$n-$CNI_COMMAND-" + type + ".json\n"
                + "echo \"$CNI_COMMAND " + type + " $CNI_CONTAINERID [$CNI_NETNS] $CNI_IFNAME $CNI_ARGS $CNI_PATH\" >> '"
                + log + "/calls'\n"
                + "if [ \"$CNI_COMMAND\" = ADD ]; then\n"
                + (addError != null ? "  echo '" + addError + "'; echo 'failing on purpose' >&2; exit 1\n"
                        : "  echo '" + addResult + "'\n")
                + "fi\n"
                + "exit 0\n";
        Path f = bin.resolve(type);
        Files.writeString(f, script);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void conflist(String... types) throws IOException {
        String plugins = Stream.of(types).map(t -> "{\"type\":\"" + t + "\",\"capabilities\":{\"portMappings\":true}}")
                .collect(Collectors.joining(","));
        Files.writeString(conf.resolve("10-test.conflist"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"testnet\",\"plugins\":[" + plugins + "]}");
    }

    private List<String> calls() throws IOException {
        Path f = log.resolve("calls");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private JsonNode stdin(int index, String command, String type) throws IOException {
        return CniNetworkConfig.JSON.readTree(log.resolve(index + "-" + command + "-" + type + ".json").toFile());
    }

    private static PodNetworkRequest request(Path netns) {
        return new PodNetworkRequest("sb1", "web", "default", "uid-1", netns,
                List.of(new PortMapping(8080, 80, "tcp", "")), null, null);
    }

    private Path cacheFile() {
        return tmp.resolve("cache").resolve("sb1-eth0.json");
    }

    @Test
    void addRunsTheChainInOrderPassingResultsAlong() throws IOException {
        conflist("fake-a", "fake-b");
        PodNetworkStatus status = plugin.setUp(request(OWN_NETNS));

        String args = "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=sb1;"
                + "K8S_POD_UID=uid-1";
        String path = tmp.resolve("empty-bin") + ":" + bin;
        assertEquals(List.of("ADD fake-a sb1 [/proc/self/ns/net] eth0 " + args + " " + path,
                "ADD fake-b sb1 [/proc/self/ns/net] eth0 " + args + " " + path), calls());
        JsonNode first = stdin(0, "ADD", "fake-a");
        assertEquals("testnet", first.get("name").asText());
        assertEquals("1.0.0", first.get("cniVersion").asText());
        assertFalse(first.has("prevResult"));
        assertEquals(8080, first.get("runtimeConfig").get("portMappings").get(0).get("hostPort").asInt());
        JsonNode second = stdin(1, "ADD", "fake-b");
        assertEquals(CniNetworkConfig.JSON.readTree(RESULT_A), second.get("prevResult"));

        assertEquals("testnet", status.network());
        assertEquals("10.77.0.5", status.primaryIp().orElseThrow().ip());
        assertEquals(List.of("10.77.0.1"), status.dns().servers(), "the last plugin's result is the pod's");
        assertTrue(Files.exists(cacheFile()));
    }

    @Test
    void delRunsInReverseWithTheCachedResultEvenAfterTheConfigChanged() throws IOException {
        conflist("fake-a", "fake-b");
        plugin.setUp(request(OWN_NETNS));
        Files.delete(conf.resolve("10-test.conflist"));
        // a new plugin instance: the cache on disk is all that survives a restart
        CniNetworkPlugin restarted = new CniNetworkPlugin(plugin.options());
        restarted.tearDown(request(OWN_NETNS));

        List<String> calls = calls();
        assertEquals(4, calls.size(), calls.toString());
        assertTrue(calls.get(2).startsWith("DEL fake-b sb1 [/proc/self/ns/net]"), calls.get(2));
        assertTrue(calls.get(3).startsWith("DEL fake-a sb1"), calls.get(3));
        assertEquals(CniNetworkConfig.JSON.readTree(RESULT_B), stdin(2, "DEL", "fake-b").get("prevResult"));
        assertEquals(8080, stdin(3, "DEL", "fake-a").get("runtimeConfig").get("portMappings").get(0)
                .get("hostPort").asInt());
        assertFalse(Files.exists(cacheFile()));

        restarted.tearDown(request(OWN_NETNS));
        assertEquals(4, calls().size(), "a second tearDown has nothing to do");
    }

    @Test
    void delWithAVanishedNamespacePassesAnEmptyNetns() throws IOException {
        conflist("fake-a");
        plugin.setUp(request(OWN_NETNS));
        plugin.tearDown(request(tmp.resolve("gone")));
        assertTrue(calls().get(1).startsWith("DEL fake-a sb1 [] eth0"), calls().get(1));
    }

    @Test
    void aFailingAddReportsThePluginErrorAndDeletesTheChain() throws IOException {
        conflist("fake-a", "fake-fail", "fake-b");
        CniException e = assertThrows(CniException.class, () -> plugin.setUp(request(OWN_NETNS)));
        assertEquals(7, e.code());
        assertEquals("invalid network config", e.cniMessage());
        assertEquals("no subnet", e.details());
        assertEquals("fake-fail", e.plugin());
        assertEquals("testnet", e.network());

        List<String> commands = calls().stream().map(l -> l.substring(0, l.indexOf(" sb1"))).collect(Collectors.toList());
        assertEquals(List.of("ADD fake-a", "ADD fake-fail", "DEL fake-b", "DEL fake-fail", "DEL fake-a"), commands);
        assertFalse(Files.exists(cacheFile()), "the cleaned-up attachment leaves no cache entry");
        plugin.tearDown(request(OWN_NETNS));
        assertEquals(5, calls().size());
    }

    @Test
    void aMissingPluginBinaryIsNamedAndNothingRuns() throws IOException {
        conflist("fake-a", "no-such-plugin");
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> plugin.setUp(request(OWN_NETNS)));
        assertTrue(e.getMessage().contains("\"no-such-plugin\"") && e.getMessage().contains(bin.toString()),
                e.getMessage());
        assertEquals(List.of(), calls());
        assertFalse(Files.exists(cacheFile()));
        plugin.tearDown(request(OWN_NETNS));

        NetworkReadiness readiness = plugin.status();
        assertFalse(readiness.ready());
        assertTrue(readiness.message().contains("no-such-plugin"), readiness.message());
    }

    @Test
    void aSecondSetUpIsRefusedAndAnUnfinishedOneIsUndoneFirst() throws IOException {
        conflist("fake-a");
        plugin.setUp(request(OWN_NETNS));
        AlreadyExistsException e = assertThrows(AlreadyExistsException.class, () -> plugin.setUp(request(OWN_NETNS)));
        assertTrue(e.getMessage().contains("sb1") && e.getMessage().contains("testnet"), e.getMessage());
        assertEquals(1, calls().size());

        // what a crash between the pending entry and the result leaves behind
        String entry = Files.readString(cacheFile());
        JsonNode pending = CniNetworkConfig.JSON.readTree(entry);
        ((com.fasterxml.jackson.databind.node.ObjectNode) pending).remove("result");
        Files.writeString(cacheFile(), pending.toString());
        plugin.setUp(request(OWN_NETNS));
        List<String> commands = calls().stream().map(l -> l.substring(0, l.indexOf(" sb1"))).collect(Collectors.toList());
        assertEquals(List.of("ADD fake-a", "DEL fake-a", "ADD fake-a"), commands);
    }

    @Test
    void sandboxIdsThatCouldEscapeTheCacheDirAreRefused() throws IOException {
        conflist("fake-a");
        PodNetworkRequest evil = new PodNetworkRequest("../../etc/x", "web", "default", "u", OWN_NETNS, List.of(),
                null, null);
        assertThrows(io.peapod.runtime.errors.InvalidArgumentException.class, () -> plugin.tearDown(evil));
        assertThrows(io.peapod.runtime.errors.InvalidArgumentException.class, () -> plugin.check(evil));
        assertThrows(io.peapod.runtime.errors.InvalidArgumentException.class, () -> plugin.setUp(evil));
        assertEquals(List.of(), calls());
    }

    @Test
    void statusWantsAConfig() throws IOException {
        NetworkReadiness none = plugin.status();
        assertFalse(none.ready());
        assertEquals("NetworkPluginNotReady", none.reason());
        assertTrue(none.message().contains(conf.toString()), none.message());
        assertThrows(FailedPreconditionException.class, () -> plugin.setUp(request(OWN_NETNS)));
        conflist("fake-a");
        assertTrue(plugin.status().ready());
    }

    @Test
    void checkRunsTheChainInOrderWithTheResult() throws IOException {
        conflist("fake-a", "fake-b");
        assertThrows(NotFoundException.class, () -> plugin.check(request(OWN_NETNS)));
        plugin.setUp(request(OWN_NETNS));
        plugin.check(request(OWN_NETNS));
        assertTrue(calls().get(2).startsWith("CHECK fake-a"), calls().toString());
        assertTrue(calls().get(3).startsWith("CHECK fake-b"), calls().toString());
        assertEquals(CniNetworkConfig.JSON.readTree(RESULT_B), stdin(2, "CHECK", "fake-a").get("prevResult"));
    }

    @Test
    void aNonNamespaceNetnsIsRefusedBeforeAnyPluginRuns() throws IOException {
        conflist("fake-a");
        Path notNs = Files.createFile(tmp.resolve("plain-file"));
        assertThrows(io.peapod.runtime.errors.InvalidArgumentException.class, () -> plugin.setUp(request(notNs)));
        assertEquals(List.of(), calls());
    }
}
