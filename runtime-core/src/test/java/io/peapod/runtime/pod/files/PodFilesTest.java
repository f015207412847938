package io.peapod.runtime.pod.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.DnsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodFilesTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheThreeFilesIntoThePodDirectory() throws IOException {
        Path pod = tmp.resolve("pods/p1");
        PodFiles files = new PodFiles(pod, true);
        Path hostname = files.writeHostname("web-0");
        Path hosts = files.writeHosts(new EtcHosts("web-0", null, List.of("10.22.0.5"), List.of()));
        Path resolv = files.writeResolvConf(new DnsConfig(List.of("10.96.0.10"), List.of(), List.of()));

        assertEquals(pod.resolve("hostname"), hostname);
        assertEquals("web-0\n", Files.readString(hostname));
        assertTrue(Files.readString(hosts).contains("10.22.0.5\tweb-0\n"));
        assertEquals("nameserver 10.96.0.10\n", Files.readString(resolv));
        for (Path p : List.of(hostname, hosts, resolv)) {
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        try (Stream<Path> s = Files.list(pod)) {
            assertEquals(3, s.count(), "no temp files left behind");
        }
    }

    @Test
    void rewritingReplacesTheFile() throws IOException {
        PodFiles files = new PodFiles(tmp, false);
        files.writeResolvConf(new DnsConfig(List.of("10.0.0.1"), List.of(), List.of()));
        Path p = files.writeResolvConf(new DnsConfig(List.of("10.0.0.2"), List.of(), List.of()));
        assertEquals("nameserver 10.0.0.2\n", Files.readString(p));
    }

    @Test
    void badHostnamesAreRefused() {
        PodFiles files = new PodFiles(tmp, false);
        for (String bad : new String[] {"", "-web", "web 0", "a".repeat(64), "web\n"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> files.writeHostname(bad));
            assertTrue(e.getMessage().contains("hostname"), e.getMessage());
        }
        assertTrue(Files.notExists(tmp.resolve("hostname")));
    }
}
