package io.peapod.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What ADD was given and what it returned, one file per sandbox and interface. The
 * entry is written before the first plugin runs (without a result) and again with the
 * result, so DEL after a failed ADD, a crash or a config change uses exactly the
 * config, arguments and result of the ADD.
 */
final class CniResultCache {
    static final String KIND = "peapodCniCacheV1";

    /** One cached attachment; {@code result} is null while ADD has not completed. */
    record Entry(String containerId, String ifName, ObjectNode conflist, String cniArgs, JsonNode capabilityArgs,
            JsonNode result) {
    }

    private final Path dir;

    CniResultCache(Path dir) {
        this.dir = dir;
    }

    Path file(String containerId, String ifName) {
        // validates both: they become part of a file name
        CniInvocation.environment("DEL", containerId, "", ifName, "", List.of(dir));
        return dir.resolve(containerId + "-" + ifName + ".json");
    }

    void save(Entry e) {
        ObjectNode o = CniNetworkConfig.JSON.createObjectNode();
        o.put("kind", KIND);
        o.put("containerId", e.containerId());
        o.put("ifName", e.ifName());
        o.set("config", e.conflist());
        o.put("cniArgs", e.cniArgs());
        o.set("capabilityArgs", e.capabilityArgs());
        if (e.result() != null) {
            o.set("result", e.result());
        }
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file(e.containerId(), e.ifName()), CniNetworkConfig.JSON.writeValueAsBytes(o), true);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write CNI cache in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** The entry, or null when there is none. */
    Entry load(String containerId, String ifName) {
        Path f = file(containerId, ifName);
        JsonNode o;
        try {
            o = CniNetworkConfig.JSON.readTree(Files.readAllBytes(f));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CNI cache " + f + ": " + e.getMessage(), e);
        }
        if (o == null || !KIND.equals(o.path("kind").asText()) || !o.path("config").isObject()) {
            throw new IllegalStateException("CNI cache " + f + " is not a " + KIND + " entry");
        }
        JsonNode result = o.get("result");
        return new Entry(containerId, ifName, (ObjectNode) o.get("config"), o.path("cniArgs").asText(""),
                o.get("capabilityArgs"), result == null || result.isNull() ? null : result);
    }

    void delete(String containerId, String ifName) {
        try {
            Files.deleteIfExists(file(containerId, ifName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove CNI cache entry " + file(containerId, ifName) + ": "
                    + e.getMessage(), e);
        }
    }
}
