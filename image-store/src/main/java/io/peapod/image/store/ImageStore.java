package io.peapod.image.store;

import io.peapod.image.NotFoundException;
import io.peapod.image.content.Digest;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.spec.Descriptor;
import io.peapod.image.spec.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The name → manifest index under {@code images/}: one JSON file per name, named by the
 * sha256 of the name, written atomically.
 */
public final class ImageStore {
    private final Path dir;

    public ImageStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create image index " + dir, e);
        }
    }

    private Path file(String name) {
        return dir.resolve(Digest.sha256(name).hex() + ".json");
    }

    public synchronized Optional<ImageRecord> get(String name) {
        try {
            return Optional.of(Json.parse(Files.readAllBytes(file(name)), ImageRecord.class, "image record " + name));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image record " + name, e);
        }
    }

    /** Points {@code name} at {@code target}, keeping the creation time of an existing record. */
    public synchronized ImageRecord put(String name, Descriptor target) {
        String now = Instant.now().toString();
        ImageRecord rec = new ImageRecord(name, new Descriptor(target.mediaType(), target.digest(), target.size(),
                null, null, null), get(name).map(ImageRecord::createdAt).orElse(now), now);
        try {
            AtomicFiles.write(file(name), Json.write(rec));
        } catch (IOException e) {
            throw LocalContentStore.storageFailure("cannot write image record " + name, e);
        }
        return rec;
    }

    public synchronized void delete(String name) {
        try {
            if (!Files.deleteIfExists(file(name))) {
                throw new NotFoundException("image " + name + " not found");
            }
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete image record " + name, e);
        }
    }

    public synchronized List<ImageRecord> list() {
        List<ImageRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            for (Path p : ds) {
                out.add(Json.parse(Files.readAllBytes(p), ImageRecord.class,
                        "image record " + new String(p.getFileName().toString().getBytes(), StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image index " + dir, e);
        }
        out.sort(Comparator.comparing(ImageRecord::name));
        return out;
    }
}
