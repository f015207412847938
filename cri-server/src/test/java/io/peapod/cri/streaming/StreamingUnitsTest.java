package io.peapod.cri.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens, terminal size messages and Status objects. */
class StreamingUnitsTest {
    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final StreamRequest EXEC = new StreamRequest.Exec("c1", List.of("true"), false, false, true,
            true);

    @Test
    void tokenIsSingleUse() {
        TokenCache cache = new TokenCache(Duration.ofMinutes(1), new ManualClock());
        String t = cache.insert(EXEC);
        assertEquals(EXEC, cache.consume(t).orElseThrow());
        assertTrue(cache.consume(t).isEmpty(), "second use");
    }

    @Test
    void tokenExpiresAfterItsTtl() {
        ManualClock clock = new ManualClock();
        TokenCache cache = new TokenCache(Duration.ofMinutes(1), clock);
        String early = cache.insert(EXEC);
        String late = cache.insert(EXEC);
        clock.now = clock.now.plusSeconds(59);
        assertTrue(cache.consume(early).isPresent());
        clock.now = clock.now.plusSeconds(2);
        assertTrue(cache.consume(late).isEmpty(), "expired after 61 s");
    }

    @Test
    void tokensAreDistinctAndUnknownOnesAreRefused() {
        TokenCache cache = new TokenCache(Duration.ofMinutes(1), new ManualClock());
        assertNotEquals(cache.insert(EXEC), cache.insert(EXEC));
        assertTrue(cache.consume("nope").isEmpty());
    }

    @Test
    void resizeMessages() {
        assertEquals(new Resize(120, 40), Resize.parse("{\"Width\":120,\"Height\":40}\n"));
        assertEquals(new Resize(80, 24), Resize.parse("{\"height\": 24, \"width\": 80}"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resize.parse("{\"W\":1}"));
        assertTrue(e.getMessage().contains("{\"W\":1}"), e.getMessage());
    }

    @Test
    void statusObjectsCarryExitCodes() {
        assertEquals(0, StatusJson.exitCodeOf(new String(StatusJson.exitCode(0), StandardCharsets.UTF_8)));
        assertEquals(42, StatusJson.exitCodeOf(new String(StatusJson.exitCode(42), StandardCharsets.UTF_8)));
        String failure = new String(StatusJson.failure("container \"x\"\nis gone"), StandardCharsets.UTF_8);
        assertEquals(-1, StatusJson.exitCodeOf(failure));
        assertTrue(failure.contains("container \\\"x\\\"\\nis gone"), failure);
    }

    @Test
    void streamingAddresses() {
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 0), StreamingServer.parseAddress("127.0.0.1:0"));
        assertEquals(10010, StreamingServer.parseAddress(":10010").getPort());
        assertTrue(StreamingServer.parseAddress(":10010").getAddress().isLoopbackAddress());
        assertEquals(new java.net.InetSocketAddress("::1", 8), StreamingServer.parseAddress("[::1]:8"));
        for (String bad : new String[] {"localhost", "1.2.3.4:x", "1.2.3.4:70000", "::1:8", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StreamingServer.parseAddress(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }
}
