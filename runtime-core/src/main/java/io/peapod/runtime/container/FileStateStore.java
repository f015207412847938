package io.peapod.runtime.container;

import io.peapod.runtime.util.RecordDirectory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@link StateStore} as {@code <root>/<id>/state.json}, written atomically. */
public final class FileStateStore implements StateStore {
    private final RecordDirectory<ContainerRecord> records;

    /**
     * @param durable fsync every write; state under a tmpfs (/run) does not survive a reboot
     *                anyway, so it need not pay for it
     */
    public FileStateStore(Path root, boolean durable) {
        this.records = new RecordDirectory<>(root, "state.json", ContainerRecord.class, "container", durable);
    }

    public Path root() {
        return records.root();
    }

    @Override
    public Path directoryOf(String id) {
        return records.directoryOf(ContainerIds.check(id));
    }

    @Override
    public Path reserve(String id) {
        return records.reserve(ContainerIds.check(id));
    }

    @Override
    public void save(ContainerRecord record) {
        records.save(ContainerIds.check(record.id()), record);
    }

    @Override
    public Optional<ContainerRecord> load(String id) {
        return records.load(ContainerIds.check(id));
    }

    @Override
    public List<String> ids() {
        return records.ids();
    }

    @Override
    public void remove(String id) {
        records.remove(ContainerIds.check(id));
    }
}
