package io.peapod.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniNetworkConfigTest {
    @TempDir
    Path dir;

    private static final String CONFLIST = "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"plugins\":["
            + "{\"type\":\"bridge\",\"bridge\":\"cni0\",\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.88.0.0/16\"}},"
            + "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true},\"x-unknown\":42}]}";

    @Test
    void conflistKeepsPluginsInOrderWithUnknownFields() throws IOException {
        Path f = Files.writeString(dir.resolve("10-podnet.conflist"), CONFLIST);
        CniNetworkConfig c = CniNetworkConfig.load(f);
        assertEquals("podnet", c.name());
        assertEquals("1.0.0", c.cniVersion());
        assertEquals(List.of("bridge", "portmap"), c.pluginTypes());
        assertEquals(42, c.plugins().get(1).get("x-unknown").asInt());
        assertTrue(c.supportsCheck());
        assertEquals(f.toString(), c.source());
    }

    @Test
    void singlePluginConfIsAChainOfOne() throws IOException {
        Path f = Files.writeString(dir.resolve("99-old.conf"),
                "{\"cniVersion\":\"0.3.1\",\"name\":\"old\",\"type\":\"bridge\",\"bridge\":\"br9\"}");
        CniNetworkConfig c = CniNetworkConfig.load(f);
        assertEquals(List.of("bridge"), c.pluginTypes());
        assertEquals("br9", c.plugins().get(0).get("bridge").asText());
        assertFalse(c.supportsCheck());
        assertEquals("old", c.toConflist().get("name").asText());
        assertEquals(1, c.toConflist().get("plugins").size());
    }

    @Test
    void badConfigsAreRefusedNamingTheFileAndField() throws IOException {
        Path noName = Files.writeString(dir.resolve("a.conflist"), "{\"plugins\":[{\"type\":\"bridge\"}]}");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CniNetworkConfig.load(noName));
        assertTrue(e.getMessage().contains("a.conflist") && e.getMessage().contains("\"name\""), e.getMessage());

        Path noPlugins = Files.writeString(dir.resolve("b.conflist"), "{\"name\":\"n\",\"plugins\":[]}");
        e = assertThrows(InvalidArgumentException.class, () -> CniNetworkConfig.load(noPlugins));
        assertTrue(e.getMessage().contains("no plugins"), e.getMessage());

        Path traversal = Files.writeString(dir.resolve("c.conf"), "{\"name\":\"n\",\"type\":\"../../bin/sh\"}");
        e = assertThrows(InvalidArgumentException.class, () -> CniNetworkConfig.load(traversal));
        assertTrue(e.getMessage().contains("invalid plugin type"), e.getMessage());

        Path notJson = Files.writeString(dir.resolve("d.json"), "{nope");
        e = assertThrows(InvalidArgumentException.class, () -> CniNetworkConfig.load(notJson));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void theFirstLoadableFileByNameIsTheNetwork() throws IOException {
        Files.writeString(dir.resolve("00-broken.conflist"), "{broken");
        Files.writeString(dir.resolve("05-notes.txt"), "{\"name\":\"txt\",\"type\":\"bridge\"}");
        Files.writeString(dir.resolve("20-second.conf"), "{\"name\":\"second\",\"type\":\"bridge\"}");
        Files.writeString(dir.resolve("10-first.conflist"), CONFLIST);
        assertEquals(List.of("00-broken.conflist", "10-first.conflist", "20-second.conf"),
                CniConfigDir.candidates(dir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("podnet", CniConfigDir.defaultNetwork(dir).orElseThrow().name());
    }

    @Test
    void anEmptyOrMissingDirHasNoNetwork() {
        assertTrue(CniConfigDir.defaultNetwork(dir).isEmpty());
        assertTrue(CniConfigDir.defaultNetwork(dir.resolve("missing")).isEmpty());
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(CniNetworkConfig.compareVersions("0.10.0", "0.4.0") > 0);
        assertTrue(CniNetworkConfig.compareVersions("0.3.1", "0.4.0") < 0);
        assertEquals(0, CniNetworkConfig.compareVersions("1.0", "1.0.0"));
    }
}
