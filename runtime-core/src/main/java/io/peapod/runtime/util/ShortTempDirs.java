package io.peapod.runtime.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scratch roots with short names (/tmp/pp-xxxxxx). A container's monitor binds Unix
 * sockets a 64-character id deep below the state root, and a socket path has at most
 * 107 bytes: a scratch root must leave room for that.
 */
public final class ShortTempDirs {
    private ShortTempDirs() {
    }

    public static Path create() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            String name = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
            try {
                return Files.createDirectory(Path.of("/tmp", "pp-" + name));
            } catch (FileAlreadyExistsException e) {
                // try another name
            }
        }
        throw new IOException("no free /tmp/pp-* name after 100 attempts");
    }
}
