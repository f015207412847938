package io.peapod.runtime.pod.files;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.DnsConfig;
import io.peapod.runtime.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Writes a pod's {@code hostname}, {@code hosts} and {@code resolv.conf} into its pod
 * directory, each atomically (readers see the old file or the new one), mode 0644.
 * Containers of the pod get them bind-mounted at {@code /etc/...}.
 */
public final class PodFiles {
    public static final String HOSTNAME = "hostname";
    public static final String HOSTS = "hosts";
    public static final String RESOLV_CONF = "resolv.conf";
    private static final Pattern HOSTNAME_CHARS = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9.\\-]{0,62})");

    private final Path podDir;
    private final boolean durable;

    /** @param durable fsync the files; not needed on a tmpfs state dir */
    public PodFiles(Path podDir, boolean durable) {
        this.podDir = podDir;
        this.durable = durable;
    }

    public Path writeHostname(String hostname) {
        if (hostname == null || !HOSTNAME_CHARS.matcher(hostname).matches()) {
            throw new InvalidArgumentException("invalid pod hostname " + (hostname == null ? "null" : "\"" + hostname
                    + "\"") + ": want at most 63 letters, digits, '-' and '.'");
        }
        return write(HOSTNAME, hostname + "\n");
    }

    public Path writeHosts(EtcHosts hosts) {
        return write(HOSTS, hosts.render());
    }

    public Path writeResolvConf(DnsConfig dns) {
        return write(RESOLV_CONF, ResolvConf.render(dns));
    }

    private Path write(String name, String content) {
        Path target = podDir.resolve(name);
        try {
            Files.createDirectories(podDir);
            AtomicFiles.write(target, content.getBytes(StandardCharsets.UTF_8), durable);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
