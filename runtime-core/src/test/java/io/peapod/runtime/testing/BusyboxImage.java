package io.peapod.runtime.testing;

import io.peapod.image.Image;
import io.peapod.image.ImageService;
import io.peapod.image.ProgressListener;
import io.peapod.image.archive.RootfsArchive;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A one-layer image of Debian's static busybox, imported without a registry. */
public final class BusyboxImage {
    private BusyboxImage() {
    }

    /** Imports the image as {@code name} (e.g. {@code localhost/busybox:test}); returns it. */
    public static Image importInto(ImageService images, String name, Path scratch) throws IOException {
        Path rootfs = scratch.resolve("busybox-rootfs");
        BusyboxBundle.populateRootfs(rootfs);
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        RootfsArchive.write(rootfs, name, List.of("sh"), archive);
        return images.importArchive(new ByteArrayInputStream(archive.toByteArray()), name, ProgressListener.NONE)
                .get(0);
    }
}
