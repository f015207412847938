package io.peapod.cri.streaming;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-use tokens for streaming requests, as the kubelet's streaming server hands them out:
 * random, unguessable, valid once and only for a short time.
 */
public final class TokenCache {
    private static final int MAX_PENDING = 1000;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    private record Entry(StreamRequest request, Instant expires) {
    }

    public TokenCache(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Stores {@code request} and returns its new token. */
    public String insert(StreamRequest request) {
        evictExpired();
        if (entries.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many pending streaming requests (" + MAX_PENDING
                    + "); unused tokens expire after " + ttl.toSeconds() + " s");
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        entries.put(token, new Entry(request, clock.instant().plus(ttl)));
        return token;
    }

    /** The request of {@code token}, removed so that it cannot be used again; empty when unknown or expired. */
    public Optional<StreamRequest> consume(String token) {
        Entry e = entries.remove(token);
        if (e == null || clock.instant().isAfter(e.expires())) {
            return Optional.empty();
        }
        return Optional.of(e.request());
    }

    private void evictExpired() {
        Instant now = clock.instant();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            if (now.isAfter(it.next().expires())) {
                it.remove();
            }
        }
    }
}
