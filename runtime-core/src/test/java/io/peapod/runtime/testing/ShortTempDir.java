package io.peapod.runtime.testing;

import io.peapod.runtime.util.ShortTempDirs;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** JUnit temp directories from {@link ShortTempDirs}, so that the monitors' socket paths fit. */
public final class ShortTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        return ShortTempDirs.create();
    }
}
