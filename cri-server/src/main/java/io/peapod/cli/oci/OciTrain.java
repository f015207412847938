package io.peapod.cli.oci;

import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import io.peapod.runtime.util.FileTrees;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run behind {@code peapod-oci}'s class-data archive: the commands an
 * orchestrator calls for every container (spec, create, state, start, delete, and their error
 * paths), in one JVM, on a throwaway bundle with an empty root filesystem under a temp root.
 * Without root the lifecycle fails early, which still trains the parsing and error paths.
 */
public final class OciTrain {
    private OciTrain() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pp-train-");
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(sink);
        System.setErr(sink);
        try {
            String root = dir.resolve("r").toString();
            Path bundle = dir.resolve("b");
            Files.createDirectories(bundle.resolve("rootfs"));
            OciMain.run(new String[] {"features"});
            OciMain.run(new String[] {"--root", root, "list"});
            OciMain.run(new String[] {"--root", root, "state", "missing"});
            OciMain.run(new String[] {"spec", "--bundle", bundle.toString()});
            Spec spec = SpecIO.read(bundle.resolve("config.json"));
            spec.process.terminal = false;
            spec.process.args = List.of("/bin/true");
            SpecIO.write(spec, bundle.resolve("config.json"));
            String id = "train-" + ProcessHandle.current().pid();
            OciMain.run(new String[] {"--root", root, "create", "--bundle", bundle.toString(), id});
            OciMain.run(new String[] {"--root", root, "state", id});
            OciMain.run(new String[] {"--root", root, "start", id});
            OciMain.run(new String[] {"--root", root, "delete", "--force", id});
        } finally {
            System.setOut(out);
            System.setErr(err);
            FileTrees.delete(dir);
        }
    }
}
