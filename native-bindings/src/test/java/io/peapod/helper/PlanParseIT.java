package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed plans are refused by the C parser before anything runs (no root needed). */
class PlanParseIT {
    @TempDir
    Path dir;

    private HelperException refuse(byte[] plan) throws Exception {
        Path file = dir.resolve("plan");
        Files.write(file, plan);
        return assertThrows(HelperException.class, () -> new Helper().create(file));
    }

    private static void assertPlanError(HelperException e, String text) {
        assertEquals("PLAN", e.step(), e.getMessage());
        assertEquals("-", e.syscall());
        assertEquals(0, e.errno());
        assertTrue(e.text().contains(text), "\"" + e.text() + "\" should contain \"" + text + "\"");
    }

    @Test
    void unknownOp() throws Exception {
        assertPlanError(refuse(new Plan().args("true").op("FROBNICATE", "x").encode()), "unknown op \"FROBNICATE\"");
    }

    @Test
    void truncatedRecord() throws Exception {
        byte[] whole = new Plan().args("true").hostname("box").encode();
        assertPlanError(refuse(Arrays.copyOf(whole, whole.length - 3)), "truncated record");
        assertPlanError(refuse(Arrays.copyOf(whole, whole.length - 13)), "truncated record");
    }

    @Test
    void badMagic() throws Exception {
        byte[] plan = new Plan().args("true").encode();
        plan[5] = '9';
        assertPlanError(refuse(plan), "does not start with PPLAN1");
    }

    @Test
    void wrongFieldCountAndBadValues() throws Exception {
        assertPlanError(refuse(new Plan().args("true").op("MOUNT", "a", "b").encode()), "MOUNT wants 6 fields, got 2");
        assertPlanError(refuse(new Plan().args("true").op("RLIMIT", "7", "many", "1").encode()), "not a number \"many\"");
        assertPlanError(refuse(new Plan().args("true").op("NS_NEW", "galaxy").encode()), "unknown namespace type");
        assertPlanError(refuse(new Plan().args("true").op("MONITOR", "maybe").encode()), "not yes or no");
    }

    @Test
    void consoleSizeIsInRangeAndNeedsATerminal() throws Exception {
        assertPlanError(refuse(new Plan().args("true").op("CONSOLE_SIZE", "24", "80").encode()),
                "CONSOLE_SIZE needs TTY");
        assertPlanError(refuse(new Plan().args("true").monitor(true).stateDir(dir).tty()
                .op("CONSOLE_SIZE", "0", "80").encode()), "rows out of range 1..65535 \"0\"");
        assertPlanError(refuse(new Plan().args("true").monitor(true).stateDir(dir).tty()
                .op("CONSOLE_SIZE", "24", "65536").encode()), "columns out of range 1..65535 \"65536\"");
        assertThrows(IllegalArgumentException.class, () -> new Plan().consoleSize(0, 80));
    }

    @Test
    void pipeRedirectsAreRefusedBeforeRunning() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Helper().create(dir.resolve("plan"), java.lang.ProcessBuilder.Redirect.PIPE,
                        java.lang.ProcessBuilder.Redirect.DISCARD, java.lang.ProcessBuilder.Redirect.DISCARD));
        assertTrue(e.getMessage().contains("PIPE"), e.getMessage());
    }

    @Test
    void missingProgram() throws Exception {
        assertPlanError(refuse(new Plan().hostname("x").encode()), "no ARG");
    }
}
