package io.peapod.runtime.pod.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.DnsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResolvConfTest {
    @TempDir
    Path tmp;

    @Test
    void rendersServersSearchesAndOptions() {
        String text = ResolvConf.render(new DnsConfig(List.of("10.96.0.10", "fd00::10"),
                List.of("shop.svc.cluster.local", "svc.cluster.local", "svc.cluster.local"), List.of("ndots:5", "edns0")));
        assertEquals("nameserver 10.96.0.10\nnameserver fd00::10\nsearch shop.svc.cluster.local svc.cluster.local\n"
                + "options ndots:5 edns0\n", text);
        assertEquals("", ResolvConf.render(DnsConfig.empty()));
    }

    @Test
    void explicitConfigsOverTheLimitsAreRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ResolvConf.render(
                new DnsConfig(List.of("1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("4 name servers"), e.getMessage());
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 33; i++) {
            many.add("d" + i + ".example");
        }
        assertThrows(InvalidArgumentException.class, () -> ResolvConf.render(new DnsConfig(List.of(), many, List.of())));
        e = assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.render(new DnsConfig(List.of("dns.example"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("\"dns.example\""), e.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.render(new DnsConfig(List.of(), List.of("a\nnameserver 6.6.6.6"), List.of())));
        assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.render(new DnsConfig(List.of(), List.of(), List.of("ndots 5"))));
    }

    @Test
    void hostFileLosesLoopbackServersAndKeepsTheRest() throws IOException {
        Path host = Files.writeString(tmp.resolve("resolv.conf"), "# generated\n"
                + "nameserver 127.0.0.53\n"
                + "nameserver ::1\n"
                + "nameserver 10.255.255.53  # site resolver\n"
                + "nameserver 127.1.2.3\n"
                + "domain old.example\n"
                + "search corp.example lab.example\n"
                + "options edns0 trust-ad\n"
                + "; comment\n");
        DnsConfig dns = ResolvConf.fromHost(host);
        assertEquals(List.of("10.255.255.53"), dns.servers());
        assertEquals(List.of("corp.example", "lab.example"), dns.searches(), "the last search/domain line wins");
        assertEquals(List.of("edns0", "trust-ad"), dns.options());
    }

    @Test
    void hostFileIsTrimmedToTheResolverLimits() throws IOException {
        Path host = Files.writeString(tmp.resolve("resolv.conf"),
                "nameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n");
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), ResolvConf.fromHost(host).servers());
        assertTrue(ResolvConf.fromHost(tmp.resolve("missing")).isEmpty());
    }
}
