package io.peapod.cli.system;

import io.peapod.cli.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peapod version}: this build's version, Java and the kernel. */
@Command(name = "version", description = "Show version information.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        var out = command.commandLine().getOut();
        out.println("peapod version " + Version.current());
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        out.println("kernel " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.flush();
        return 0;
    }
}
