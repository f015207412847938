package io.peapod.cli.oci;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "pause", description = "Freeze every process of a running container.")
final class OciPause implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Override
    public Integer call() {
        oci.runtime().pause(id);
        return 0;
    }
}
