package io.peapod.cli.oci;

import io.peapod.runtime.container.CreateOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "create", description = "Create a container from a bundle; its process waits for start.")
final class OciCreate implements Callable<Integer> {
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

    @Option(names = "--no-new-keyring", description = "accepted for runc compatibility")
    boolean noNewKeyring;

    @Option(names = "--preserve-fds", description = "pass fds 3..3+N-1 on (not supported yet: only 0)")
    int preserveFds;

    @Override
    public Integer call() {
        if (preserveFds != 0) {
            throw new io.peapod.runtime.errors.InvalidArgumentException(
                    "--preserve-fds " + preserveFds + " is not supported by peapod");
        }
        // runc's model: no monitor; the caller (conmon, containerd-shim) is the subreaper that waits
        oci.runtime().create(id, bundle, options(consoleSocket, pidFile, noPivot).withoutMonitor());
        return 0;
    }

    /** The container's stdio is the caller's, as runc's is. */
    static CreateOptions options(Path consoleSocket, Path pidFile, boolean noPivot) {
        return new CreateOptions(Map.of(0, "-", 1, "-", 2, "-"), null, consoleSocket, pidFile, noPivot,
                false);
    }
}
