package io.peapod.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temp directory laid out like cgroupfs. Unlike the kernel it does not create interface files in new
 * directories, so a test creates every file the code under test may write, with the kernel's initial value.
 */
public final class FakeCgroupFs {
    private final Path root;

    public FakeCgroupFs(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Creates {@code relative} (and its parent directories) with {@code content}. */
    public FakeCgroupFs file(String relative, String content) {
        Path file = root.resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Creates the same {@code names} (each with an empty value) in directory {@code dir}. */
    public FakeCgroupFs files(String dir, String... names) {
        for (String name : names) {
            file(dir + "/" + name, "");
        }
        return this;
    }

    public FakeCgroupFs dir(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public String read(String relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String relative) {
        return Files.exists(root.resolve(relative));
    }
}
