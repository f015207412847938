package io.peapod.cli.oci;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "resume", description = "Thaw a paused container.")
final class OciResume implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Override
    public Integer call() {
        oci.runtime().resume(id);
        return 0;
    }
}
