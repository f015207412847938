package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelperBinaryTest {

    @Test
    void builtTreeFindsTheBinaryBesideTheClasses() {
        Path p = HelperBinary.locate();
        assertTrue(Files.isExecutable(p), p + " is executable");
        assertTrue(p.getFileName().toString().startsWith("peapod-helper"), p.toString());
    }

    @Test
    void extractsOnceByContentDigestWithMode0755(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("src");
        Files.writeString(source, "#!/bin/sh\necho hi\n");
        Path out = dir.resolve("bin");
        Path first = HelperBinary.extract(source.toUri().toURL(), out);
        assertTrue(first.getFileName().toString().matches("peapod-helper-[0-9a-f]{16}"), first.toString());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(first)));
        long modified = Files.getLastModifiedTime(first).toMillis();
        Path second = HelperBinary.extract(source.toUri().toURL(), out);
        assertEquals(first, second);
        assertEquals(modified, Files.getLastModifiedTime(second).toMillis());
        try (var files = Files.list(out)) {
            assertEquals(1, files.count(), "no temp file left");
        }
    }
}
