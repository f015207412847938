package io.peapod.runtime.network;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where CNI things live.
 *
 * @param confDir network configs, {@code /etc/cni/net.d} by default
 * @param binDirs plugin binaries, searched in order; {@code /opt/cni/bin} then {@code /usr/lib/cni} by default
 * @param cacheDir ADD results kept for DEL and CHECK, also across daemon restarts
 * @param timeout the longest one plugin call may take
 */
public record CniOptions(Path confDir, List<Path> binDirs, Path cacheDir, Duration timeout) {
    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    public static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/peapod/cni/results");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public CniOptions {
        binDirs = List.copyOf(binDirs);
        if (binDirs.isEmpty()) {
            throw new IllegalArgumentException("CNI options need at least one plugin directory");
        }
    }

    public static CniOptions defaults() {
        return new CniOptions(DEFAULT_CONF_DIR, DEFAULT_BIN_DIRS, DEFAULT_CACHE_DIR, DEFAULT_TIMEOUT);
    }
}
