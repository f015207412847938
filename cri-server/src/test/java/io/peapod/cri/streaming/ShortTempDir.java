package io.peapod.cri.streaming;

// Copied from runtime-core's test sources (io.peapod.runtime.testing), which are not published as a test jar.

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temp directories with short names (/tmp/pp-xxxxxx), so that the monitors' Unix socket
 * paths below them (a 64-character container id deep) stay within the kernel's 107 bytes.
 */
public final class ShortTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
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
