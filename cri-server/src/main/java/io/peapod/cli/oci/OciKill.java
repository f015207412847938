package io.peapod.cli.oci;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "kill", description = "Send a signal (default SIGTERM) to a container's process.")
final class OciKill implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "SIGTERM")
    String signal;

    @Option(names = {"-a", "--all"}, description = "signal every process of the container")
    boolean all;

    @Override
    public Integer call() {
        oci.runtime().kill(id, Signals.parse(signal), all);
        return 0;
    }
}
