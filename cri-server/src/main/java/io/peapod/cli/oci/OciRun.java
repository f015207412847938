package io.peapod.cli.oci;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", description = "Create and start a container; wait for it unless --detach.")
final class OciRun implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Option(names = {"-b", "--bundle"}, description = "bundle directory (default: current directory)")
    Path bundle = Path.of("");

    @Option(names = "--console-socket", description = "Unix socket that receives the pty master")
    Path consoleSocket;

    @Option(names = "--pid-file", description = "file to write the container's pid to")
    Path pidFile;

    @Option(names = "--no-pivot", description = "chroot instead of pivot_root")
    boolean noPivot;

    @Option(names = {"-d", "--detach"}, description = "return once the container runs")
    boolean detach;

    @Option(names = "--keep", description = "keep the stopped container instead of deleting it")
    boolean keep;

    @Option(names = "--no-new-keyring", description = "accepted for runc compatibility")
    boolean noNewKeyring;

    @Override
    public Integer call() {
        ContainerRuntime rt = oci.runtime();
        rt.create(id, bundle, OciCreate.options(consoleSocket, pidFile, noPivot));
        try {
            rt.start(id);
        } catch (RuntimeException e) {
            rt.delete(id, true);
            throw e;
        }
        if (detach) {
            return 0;
        }
        ContainerRecord done = rt.waitFor(id, Duration.ofDays(365 * 100)).orElseThrow();
        if (!keep) {
            rt.delete(id, true);
        }
        return done.exitCode() == null ? 255 : done.exitCode();
    }
}
