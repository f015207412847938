package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper's text answers: result lines, error lines, exit files. */
class ResultLinesTest {

    @Test
    void okLine() {
        assertEquals(new Created(42, 41), Created.parse("ok 42 41\n"));
    }

    @Test
    void errorLineBecomesHelperException() {
        HelperException e = assertThrows(HelperException.class,
                () -> Created.parse("error MOUNT mount 19 nosuchfs on /x (/proc/self/fd/7): No such device\n"));
        assertEquals("MOUNT", e.step());
        assertEquals("mount", e.syscall());
        assertEquals(19, e.errno());
        assertEquals("nosuchfs on /x (/proc/self/fd/7): No such device", e.text());
        assertTrue(e.getMessage().contains("MOUNT") && e.getMessage().contains("mount")
                && e.getMessage().contains("19") && e.getMessage().contains("No such device"), e.getMessage());
    }

    @Test
    void garbageIsNotSilentlyAccepted() {
        assertThrows(IllegalStateException.class, () -> Created.parse("ok 42"));
        assertThrows(IllegalStateException.class, () -> Created.parse("hello"));
        assertThrows(IllegalArgumentException.class, () -> HelperException.parse("error X y notanumber z"));
    }

    @Test
    void exitFileOfNormalExit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("exit"), "status 768\nfinished 1700000000123456789\n");
        ExitStatus s = ExitFile.read(dir).orElseThrow();
        assertEquals(3, s.exitCode());
        assertFalse(s.signaled());
        assertEquals(0, s.signal());
        assertEquals(Instant.ofEpochSecond(1700000000L, 123456789), s.finishedAt());
    }

    @Test
    void exitFileOfSigkill(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("exit"), "status 9\nfinished 1\n");
        ExitStatus s = ExitFile.read(dir).orElseThrow();
        assertTrue(s.signaled());
        assertEquals(9, s.signal());
        assertEquals(137, s.exitCode());
    }

    @Test
    void noExitFileYet(@TempDir Path dir) {
        assertTrue(ExitFile.read(dir).isEmpty());
    }

    @Test
    void brokenExitFileNamesTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("exit"), "status x\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExitFile.read(dir));
        assertTrue(e.getMessage().contains(dir.resolve("exit").toString()), e.getMessage());
    }
}
