package io.peapod.cli.oci;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "delete", description = "Delete a stopped container (or any, with --force).")
final class OciDelete implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Option(names = {"-f", "--force"}, description = "kill the container first if it is running")
    boolean force;

    @Override
    public Integer call() {
        oci.runtime().delete(id, force);
        return 0;
    }
}
