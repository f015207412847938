package io.peapod.runtime.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecIOTest {

    static final ObjectMapper PLAIN = new ObjectMapper();

    @TempDir
    Path dir;

    static String resource(String name) throws IOException {
        try (InputStream in = SpecIOTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyModelledFieldAndEveryExtensionRoundTrips() throws Exception {
        String json = resource("full-config.json");
        Spec spec = SpecIO.fromJson(json);
        JsonNode original = PLAIN.readTree(json);
        JsonNode written = PLAIN.readTree(SpecIO.toJson(spec));
        assertEquals(original, written);

        assertEquals(Uint64.INFINITY, spec.process.rlimits.get(0).hard);
        assertEquals(4294967295L, spec.process.user.additionalGids.get(1));
        assertEquals("IOPRIO_CLASS_BE", spec.process.ioPriority.ioClass);
        assertEquals(-1L, spec.linux.seccomp.syscalls.get(1).args.get(0).value);
        assertEquals(38L, spec.linux.seccomp.syscalls.get(2).errnoRet);
        assertEquals(-3600L, spec.linux.timeOffsets.get("boottime").secs);
        assertEquals(1048577L, spec.linux.resources.network.classID);
        assertEquals(100, spec.linux.resources.blockIO.throttleWriteIOPSDevice.get(0).rate);
        assertTrue(spec.linux.extensions().containsKey("netDevices"), "linux.netDevices kept as an extension");
        assertTrue(spec.extensions().containsKey("vm"));
        assertEquals("0-3", spec.process.execCPUAffinity.finalAffinity);
    }

    @Test
    void runcOutputRoundTrips() throws Exception {
        for (String name : List.of("runc-1.1.5-spec.json", "runc-1.1.5-spec-rootless.json")) {
            String json = resource(name);
            assertEquals(PLAIN.readTree(json), PLAIN.readTree(SpecIO.toJson(SpecIO.fromJson(json))), name);
        }
    }

    @Test
    void syntaxErrorsNameFileLineAndColumn() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {\"args\": [\"sh\" \"-c\"]}\n}\n");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SpecIO.read(config));
        assertTrue(e.getMessage().startsWith("OCI config " + config + ": invalid JSON line 3 column "), e.getMessage());
    }

    @Test
    void typeErrorsNameTheJsonPath() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"ociVersion\": \"1.0.2\",\n \"process\": {\"terminal\": \"yes\"}}");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SpecIO.read(config));
        assertTrue(e.getMessage().contains("line 2 column"), e.getMessage());
        assertTrue(e.getMessage().contains("at process.terminal:"), e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson(
                "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"hard\": -1, \"soft\": 0}]}}"));
        assertTrue(e.getMessage().contains("at process.rlimits[0].hard:"), e.getMessage());
        assertTrue(e.getMessage().contains("out of range for an unsigned 64-bit integer"), e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson(
                "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"hard\": 18446744073709551616, \"soft\": 0}]}}"));
        assertTrue(e.getMessage().contains("at process.rlimits[0].hard:"), e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson("{\"process\": {\"oomScoreAdj\": \"5\"}}"));
        assertTrue(e.getMessage().contains("at process.oomScoreAdj:"), e.getMessage());

        e = assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson("{\"hostname\": \"a\", \"hostname\": \"b\"}"));
        assertTrue(e.getMessage().contains("hostname"), e.getMessage());

        assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson("{} {}"));
        assertThrows(InvalidArgumentException.class, () -> SpecIO.fromJson("null"));
    }

    @Test
    void missingFileIsNotFound() {
        Path config = dir.resolve("nope/config.json");
        NotFoundException e = assertThrows(NotFoundException.class, () -> SpecIO.read(config));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "old");
        Spec spec = DefaultSpec.create(false);
        SpecIO.write(spec, config);
        assertEquals(PLAIN.readTree(SpecIO.toJson(spec)), PLAIN.readTree(Files.readString(config)));
        Spec back = SpecIO.read(config);
        back.hostname = "other";
        SpecIO.write(back, config);
        assertEquals("other", SpecIO.read(config).hostname);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(config), files.toList());
        }
        assertThrows(NotFoundException.class, () -> SpecIO.write(spec, dir.resolve("missing/config.json")));
    }

    @Test
    void copyIsDeep() {
        Spec spec = DefaultSpec.create(false);
        Spec copy = SpecIO.copy(spec);
        assertNotSame(spec.process, copy.process);
        copy.process.args.add("-c");
        assertEquals(List.of("sh"), spec.process.args);
        assertEquals(SpecIO.toJson(spec), SpecIO.toJson(SpecIO.copy(spec)));
        assertFalse(SpecIO.toJson(spec).contains("null"), "nulls are left out");
    }
}
