package io.peapod.cli.oci;

import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.SpecIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "spec", description = "Write a default config.json into the bundle, as runc spec does.")
final class OciSpec implements Callable<Integer> {
    @Option(names = {"-b", "--bundle"}, description = "bundle directory (default: current directory)")
    Path bundle = Path.of("");

    @Option(names = "--rootless", description = "a spec for a container run by an unprivileged user")
    boolean rootless;

    @Override
    public Integer call() {
        Path config = bundle.resolve("config.json");
        if (Files.exists(config)) {
            throw new AlreadyExistsException("File " + config + " exists. Remove it first");
        }
        SpecIO.write(DefaultSpec.create(rootless), config);
        return 0;
    }
}
