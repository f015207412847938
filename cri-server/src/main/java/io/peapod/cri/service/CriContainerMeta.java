package io.peapod.cri.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peapod.runtime.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the CRI knows of a container beyond the runtime's record: the kubelet's metadata,
 * labels and annotations, the image as asked for, the log path and the user. Kept as
 * {@code cri.json} beside the container's record, so it goes when the container goes.
 */
record CriContainerMeta(String sandboxId, String name, int attempt, Map<String, String> labels,
                        Map<String, String> annotations, String image, String imageRef, String logPath,
                        long uid, long gid, List<Long> groups, List<CriMount> mounts, List<String> warnings) {
    static final String FILE = "cri.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record CriMount(String containerPath, String hostPath, boolean readonly, String propagation) {
    }

    void write(Path containerDir) {
        try {
            AtomicFiles.write(containerDir.resolve(FILE), JSON.writeValueAsBytes(this), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write CRI metadata of " + containerDir, e);
        }
    }

    /** Empty for containers not made through the CRI (e.g. a pod's infra container). */
    static Optional<CriContainerMeta> read(Path containerDir) {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(containerDir.resolve(FILE)), CriContainerMeta.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CRI metadata in " + containerDir + ": " + e.getMessage(), e);
        }
    }
}
