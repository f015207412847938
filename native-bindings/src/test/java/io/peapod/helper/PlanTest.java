package io.peapod.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.peapod.sys.Syscalls;

class PlanTest {

    /** Decodes the format independently of Plan: records as lists of fields. */
    static List<List<String>> decode(byte[] bytes) {
        assertArrayEquals("PPLAN1\n".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(bytes, 7));
        ByteBuffer buf = ByteBuffer.wrap(bytes, 7, bytes.length - 7).order(ByteOrder.LITTLE_ENDIAN);
        List<List<String>> records = new ArrayList<>();
        while (buf.hasRemaining()) {
            int len = buf.getInt();
            byte[] body = new byte[len];
            buf.get(body);
            assertEquals(0, body[len - 1], "record ends with NUL");
            records.add(List.of(new String(body, 0, len - 1, StandardCharsets.UTF_8).split("\0", -1)));
        }
        return records;
    }

    @Test
    void encodesMagicLengthPrefixAndNulTerminatedFields() {
        byte[] bytes = new Plan().op("HOSTNAME", "box").op("PIVOT_ROOT").encode();
        byte[] expected = new byte[7 + 4 + 13 + 4 + 11];
        ByteBuffer b = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PPLAN1\n".getBytes(StandardCharsets.US_ASCII));
        b.putInt(13).put("HOSTNAME\0box\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(11).put("PIVOT_ROOT\0".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, bytes);
    }

    @Test
    void typedOpsWriteTheFieldsOfPlanMd() {
        Plan plan = new Plan()
                .monitor(true)
                .joinNamespace(Plan.Namespace.NET, Path.of("/run/peapod/netns/p1"))
                .newNamespace(Plan.Namespace.PID)
                .mount(null, "/proc", "proc", Syscalls.MS_NOSUID | Syscalls.MS_NODEV, null, false)
                .mountHost("/a", Path.of("/b"), null, Syscalls.MS_BIND | Syscalls.MS_REC, "x=1")
                .mknod("/dev/null", 0020666, 1, 3, 0, 0)
                .caps(0x3, 0x3, 0)
                .setgroups(1, 2, 10)
                .umask(022)
                .rlimit(7, 1024, -1)
                .startWait(true)
                .args("sh", "-c", "echo ü")
                .seccomp(1, new byte[] {0x06, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f});
        List<List<String>> r = decode(plan.encode());
        assertEquals(List.of("MONITOR", "yes"), r.get(0));
        assertEquals(List.of("NS_JOIN", "net", "/run/peapod/netns/p1"), r.get(1));
        assertEquals(List.of("NS_NEW", "pid"), r.get(2));
        assertEquals(List.of("MOUNT", "-", "/proc", "proc", "6", "-", "dir"), r.get(3));
        assertEquals(List.of("MOUNT_HOST", "/a", "/b", "-", "20480", "x=1"), r.get(4));
        assertEquals(List.of("MKNOD", "/dev/null", "020666", "1", "3", "0", "0"), r.get(5));
        assertEquals(List.of("CAPS", "0x3", "0x3", "0x0"), r.get(6));
        assertEquals(List.of("SETGROUPS", "1,2,10"), r.get(7));
        assertEquals(List.of("UMASK", "022"), r.get(8));
        assertEquals(List.of("RLIMIT", "7", "1024", "-1"), r.get(9));
        assertEquals(List.of("START", "wait"), r.get(10));
        assertEquals(List.of("ARG", "sh"), r.get(11));
        assertEquals(List.of("ARG", "echo ü"), r.get(13));
        assertEquals(List.of("SECCOMP", "1", "06000000 0000ff7f".replace(" ", "")), r.get(14));
    }

    @Test
    void emptyFieldAndNoFieldRecordsSurvive() {
        List<List<String>> r = decode(new Plan().op("SETGROUPS", "").op("TTY").encode());
        assertEquals(List.of("SETGROUPS", ""), r.get(0));
        assertEquals(List.of("TTY"), r.get(1));
    }

    @Test
    void rejectsNulInFieldsAndBadOpNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Plan().op("ARG", "a\0b"));
        assertTrue(e.getMessage().contains("ARG"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Plan().op("mount", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Plan().env("NOEQUALS"));
        assertThrows(IllegalArgumentException.class, () -> new Plan().seccomp(0, new byte[7]));
    }

    @Test
    void writeIsAtomicAndLeavesNoTempFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan");
        Plan plan = new Plan().id("c1").args("true");
        plan.write(file);
        assertArrayEquals(plan.encode(), Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
