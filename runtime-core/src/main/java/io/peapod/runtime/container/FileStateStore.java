package io.peapod.runtime.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peapod.runtime.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link StateStore} as {@code <root>/<id>/state.json}, written atomically. */
public final class FileStateStore implements StateStore {
    private static final String RECORD = "state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path root;
    private final boolean durable;

    /**
     * @param durable fsync every write; state under a tmpfs (/run) does not survive a reboot
     *                anyway, so it need not pay for it
     */
    public FileStateStore(Path root, boolean durable) {
        this.root = root;
        this.durable = durable;
    }

    public Path root() {
        return root;
    }

    @Override
    public Path directoryOf(String id) {
        ContainerIds.check(id);
        return root.resolve(id);
    }

    @Override
    public Path reserve(String id) {
        Path dir = directoryOf(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
            return dir;
        } catch (FileAlreadyExistsException e) {
            throw new io.peapod.runtime.errors.AlreadyExistsException("container " + id + " already exists");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(ContainerRecord record) {
        try {
            AtomicFiles.write(directoryOf(record.id()).resolve(RECORD), JSON.writeValueAsBytes(record), durable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode state of container " + record.id(), e);
        }
    }

    @Override
    public Optional<ContainerRecord> load(String id) {
        Path file = directoryOf(id).resolve(RECORD);
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), ContainerRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state of container " + id + " (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                if (Files.exists(d.resolve(RECORD))) {
                    ids.add(d.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    @Override
    public void remove(String id) {
        Path dir = directoryOf(id);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove state of container " + id + ": " + e.getMessage(), e);
        }
    }
}
