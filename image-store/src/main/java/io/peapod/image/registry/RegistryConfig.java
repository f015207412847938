package io.peapod.image.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How peapod reaches registries: which hosts may be spoken to over plain HTTP, mirrors,
 * credentials, CA certificates and download concurrency. Hosts are {@code host[:port]} as in
 * image references ({@code docker.io}, {@code localhost:5000}).
 */
public final class RegistryConfig {
    private final Set<String> insecure = new HashSet<>();
    private final Map<String, List<String>> mirrors = new HashMap<>();
    private final Map<String, Credentials> credentials = new HashMap<>();
    private boolean loopbackInsecure = true;
    private Path authFile = defaultAuthFile();
    private Path certsDir = Path.of("/etc/peapod/certs.d");
    private int maxConcurrentDownloads = 3;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration timeout = Duration.ofSeconds(30);
    private long pushChunkSize = 0;

    /** A user name and password (or identity token with an empty user). */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ", ****]";
        }
    }

    public static Path defaultAuthFile() {
        String home = System.getProperty("user.home");
        return home == null ? null : Path.of(home, ".docker", "config.json");
    }

    /** Allows plain HTTP (and unverified fallback order https→http) for {@code host}. */
    public RegistryConfig insecure(String host) {
        insecure.add(host);
        return this;
    }

    /** Whether 127.0.0.0/8, ::1 and localhost may use plain HTTP without being listed (default true). */
    public RegistryConfig loopbackInsecure(boolean allow) {
        loopbackInsecure = allow;
        return this;
    }

    /** Mirrors tried in order before {@code host} itself for pulls, e.g. {@code https://mirror.local:5000}. */
    public RegistryConfig mirrors(String host, List<String> endpoints) {
        mirrors.put(host, List.copyOf(endpoints));
        return this;
    }

    public RegistryConfig credentials(String host, String username, String password) {
        credentials.put(host, new Credentials(username, password));
        return this;
    }

    /** A docker-style config.json with {@code auths}; null to use none. */
    public RegistryConfig authFile(Path file) {
        authFile = file;
        return this;
    }

    /** Directory of per-registry CA certificates: {@code <dir>/<host[:port]>/*.crt}. */
    public RegistryConfig certsDir(Path dir) {
        certsDir = dir;
        return this;
    }

    public RegistryConfig maxConcurrentDownloads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConcurrentDownloads must be at least 1, got " + n);
        }
        maxConcurrentDownloads = n;
        return this;
    }

    public RegistryConfig retries(int attempts, Duration initial) {
        maxAttempts = Math.max(1, attempts);
        initialBackoff = initial;
        return this;
    }

    public RegistryConfig timeout(Duration t) {
        timeout = t;
        return this;
    }

    /** Upload blobs larger than this in chunks of this size (PATCH); 0 uploads in one PUT. */
    public RegistryConfig pushChunkSize(long bytes) {
        pushChunkSize = bytes;
        return this;
    }

    public boolean isInsecure(String host) {
        if (insecure.contains(host)) {
            return true;
        }
        return loopbackInsecure && isLoopback(host);
    }

    /** localhost, 127.0.0.0/8 or ::1, with or without a port. */
    public boolean isLoopback(String host) {
        String h = host;
        if (h.startsWith("[")) {
            h = h.substring(1, h.indexOf(']'));
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.lastIndexOf(':'));
        }
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }

    public List<String> mirrors(String host) {
        return mirrors.getOrDefault(host, List.of());
    }

    public Credentials explicitCredentials(String host) {
        return credentials.get(host);
    }

    public Path authFile() {
        return authFile;
    }

    public Path certsDir() {
        return certsDir;
    }

    public int maxConcurrentDownloads() {
        return maxConcurrentDownloads;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration timeout() {
        return timeout;
    }

    public long pushChunkSize() {
        return pushChunkSize;
    }
}
