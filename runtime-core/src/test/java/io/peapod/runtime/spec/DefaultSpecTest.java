package io.peapod.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DefaultSpec against what runc writes: the checked-in output of Debian 12's runc 1.1.5, and the
 * output of whatever runc is installed. The documented differences are applied to runc's side
 * first; everything else must be equal.
 */
class DefaultSpecTest {

    static final ObjectMapper PLAIN = new ObjectMapper();
    static final Path RUNC = Path.of("/usr/sbin/runc");

    @TempDir
    Path dir;

    /** runc's spec with DefaultSpec's documented differences applied. */
    static JsonNode normalizeRunc(JsonNode runc) {
        ObjectNode spec = (ObjectNode) runc.deepCopy();
        spec.remove("ociVersion");
        spec.put("hostname", "peapod");
        ((ObjectNode) spec.get("process").get("capabilities")).remove("ambient");
        ObjectNode linux = (ObjectNode) spec.get("linux");
        ArrayNode masked = (ArrayNode) linux.get("maskedPaths");
        boolean tpm = false;
        for (JsonNode p : masked) {
            tpm |= p.asText().equals("/sys/devices/virtual/tpm");
        }
        if (!tpm) {
            masked.add("/sys/devices/virtual/tpm");
        }
        if (linux.has("resources")) {
            // runc adds its allowed devices at run time; peapod writes them into the spec
            try {
                ((ObjectNode) linux.get("resources")).set("devices",
                        PLAIN.readTree(PLAIN.writeValueAsString(DefaultSpec.deviceRules())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        ArrayNode ns = (ArrayNode) linux.get("namespaces");
        boolean cgroup = false;
        for (JsonNode n : ns) {
            cgroup |= n.get("type").asText().equals("cgroup");
        }
        if (!cgroup) {
            ns.addObject().put("type", "cgroup");
        }
        return sortNamespaces(spec);
    }

    /** Namespace order carries no meaning. */
    static JsonNode sortNamespaces(JsonNode spec) {
        ObjectNode copy = (ObjectNode) spec.deepCopy();
        ObjectNode linux = (ObjectNode) copy.get("linux");
        List<JsonNode> list = new ArrayList<>();
        linux.get("namespaces").forEach(list::add);
        list.sort(Comparator.comparing(n -> n.get("type").asText()));
        ArrayNode sorted = linux.putArray("namespaces");
        list.forEach(sorted::add);
        return copy;
    }

    static JsonNode ours(boolean rootless, long uid, long gid) throws Exception {
        ObjectNode node = (ObjectNode) PLAIN.readTree(SpecIO.toJson(DefaultSpec.create(rootless, uid, gid)));
        node.remove("ociVersion");
        return sortNamespaces(node);
    }

    static JsonNode resource(String name) throws Exception {
        try (var in = DefaultSpecTest.class.getResourceAsStream(name)) {
            return PLAIN.readTree(in);
        }
    }

    @Test
    void matchesRunc115Fixture() throws Exception {
        assertEquals(normalizeRunc(resource("runc-1.1.5-spec.json")), ours(false, 0, 0));
    }

    @Test
    void rootlessMatchesRunc115Fixture() throws Exception {
        // The fixture was written by root: its mappings name host id 0.
        assertEquals(normalizeRunc(resource("runc-1.1.5-spec-rootless.json")), ours(true, 0, 0));
    }

    @Test
    void matchesTheInstalledRunc() throws Exception {
        assumeTrue(Files.isExecutable(RUNC), "runc is not installed at " + RUNC);
        for (boolean rootless : new boolean[] {false, true}) {
            Path bundle = Files.createDirectories(dir.resolve(rootless ? "rootless" : "root"));
            List<String> cmd = rootless ? List.of(RUNC.toString(), "spec", "--rootless") : List.of(RUNC.toString(), "spec");
            java.lang.Process p = new ProcessBuilder(cmd).directory(bundle.toFile()).redirectErrorStream(true).start();
            try {
                assertEquals(true, p.waitFor(30, TimeUnit.SECONDS), "runc spec finished");
                assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
            } finally {
                p.destroyForcibly();
            }
            JsonNode runc = PLAIN.readTree(bundle.resolve("config.json").toFile());
            long uid = 0;
            long gid = 0;
            if (rootless) {
                uid = runc.get("linux").get("uidMappings").get(0).get("hostID").asLong();
                gid = runc.get("linux").get("gidMappings").get(0).get("hostID").asLong();
            }
            assertEquals(normalizeRunc(runc), ours(rootless, uid, gid), rootless ? "rootless" : "default");
        }
    }

    @Test
    void bothVariantsValidate() throws Exception {
        Files.createDirectories(dir.resolve("rootfs"));
        SpecValidator.validate(DefaultSpec.create(false), dir);
        SpecValidator.validate(DefaultSpec.create(true), dir);
    }

    @Test
    void rootlessMapsTheCallingUser() throws Exception {
        Spec spec = DefaultSpec.create(true);
        String status = Files.readString(Path.of("/proc/self/status"));
        String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        long euid = Long.parseLong(uidLine.substring(4).trim().split("\\s+")[1]);
        assertEquals(euid, spec.linux.uidMappings.get(0).hostID);
        assertEquals(0L, spec.linux.uidMappings.get(0).containerID);
        assertEquals(1L, spec.linux.uidMappings.get(0).size);
    }
}
