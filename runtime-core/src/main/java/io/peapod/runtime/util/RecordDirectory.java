package io.peapod.runtime.util;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peapod.runtime.errors.AlreadyExistsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records of one kind kept as {@code <root>/<id>/<file>} JSON, one directory per object
 * (which also holds the object's other files), written atomically.
 *
 * @param <T> the record type (a Jackson-mappable record)
 */
public final class RecordDirectory<T> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path root;
    private final String file;
    private final Class<T> type;
    private final String kind;
    private final boolean durable;
    /**
     * Records already parsed, by id, with the identity of the file they came from: a list of
     * every pod or container (a kubelet asks each second) re-reads only what changed. Writes
     * replace the file (a new inode), so another process's change is never mistaken for ours.
     */
    private final Map<String, Parsed<T>> parsed = new ConcurrentHashMap<>();

    private record Parsed<T>(Object fileKey, FileTime modified, long size, T value) {
        boolean sameFile(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime())
                    && size == a.size();
        }
    }

    /**
     * @param kind    what the records are, for messages ("container", "sandbox")
     * @param durable fsync every write; state under a tmpfs (/run) need not pay for it
     */
    public RecordDirectory(Path root, String file, Class<T> type, String kind, boolean durable) {
        this.root = root;
        this.file = file;
        this.type = type;
        this.kind = kind;
        this.durable = durable;
    }

    public Path root() {
        return root;
    }

    /** The object's directory; the id must already be checked as safe for a file name. */
    public Path directoryOf(String id) {
        return root.resolve(id);
    }

    public Path reserve(String id) {
        Path dir = directoryOf(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
            return dir;
        } catch (FileAlreadyExistsException e) {
            throw new AlreadyExistsException(kind + " " + id + " already exists");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory of " + kind + " " + id + " (" + dir + "): "
                    + e.getMessage(), e);
        }
    }

    public void save(String id, T record) {
        parsed.remove(id);
        try {
            AtomicFiles.write(directoryOf(id).resolve(file), JSON.writeValueAsBytes(record), durable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + kind + " " + id, e);
        }
    }

    public Optional<T> load(String id) {
        Path path = directoryOf(id).resolve(file);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            Parsed<T> known = parsed.get(id);
            if (known != null && known.sameFile(attributes)) {
                return Optional.of(known.value());
            }
            T value = JSON.readValue(Files.readAllBytes(path), type);
            if (attributes.fileKey() != null) {
                parsed.put(id, new Parsed<>(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size(),
                        value));
            }
            return Optional.of(value);
        } catch (NoSuchFileException e) {
            parsed.remove(id);
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kind + " " + id + " (" + path + "): " + e.getMessage(), e);
        }
    }

    /** Ids of the objects that have a record, sorted. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                if (Files.exists(d.resolve(file))) {
                    ids.add(d.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    /** Removes the object's directory and everything in it. Idempotent. */
    public void remove(String id) {
        parsed.remove(id);
        try {
            FileTrees.delete(directoryOf(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + kind + " " + id + ": " + e.getMessage(), e);
        }
    }
}
