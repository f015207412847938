package io.peapod.runtime.container;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where container records live. One directory per container holds its record and its monitor's files. */
public interface StateStore {
    /** The container's own directory (plan, exit file, monitor sockets), whether or not it exists yet. */
    Path directoryOf(String id);

    /** Creates the directory of a new container; fails if the id is taken. */
    Path reserve(String id);

    void save(ContainerRecord record);

    Optional<ContainerRecord> load(String id);

    List<String> ids();

    /** Removes the container's directory and everything in it. Idempotent. */
    void remove(String id);
}
