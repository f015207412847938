package io.peapod.runtime.network;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the pod network from a CNI config directory as the kubelet does: the files
 * ending in {@code .conflist}, {@code .conf} or {@code .json}, sorted by name; the
 * first one that loads wins. Files that do not load are logged and skipped.
 */
public final class CniConfigDir {
    private static final Logger LOG = LoggerFactory.getLogger(CniConfigDir.class);

    private CniConfigDir() {
    }

    /** The candidate files, in the order they are tried. */
    public static List<Path> candidates(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json");
                    })
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list CNI config dir " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The default network, or empty when the directory has no loadable config. */
    public static Optional<CniNetworkConfig> defaultNetwork(Path dir) {
        for (Path file : candidates(dir)) {
            try {
                return Optional.of(CniNetworkConfig.load(file));
            } catch (InvalidArgumentException e) {
                LOG.warn("skipping CNI config {}: {}", file, e.getMessage());
            }
        }
        return Optional.empty();
    }
}
