package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.pod.PodAnnotations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod rm}: delete containers with their writable layer and log (and a {@code run --network cni} sandbox). */
@Command(name = "rm", description = "Remove containers.")
public final class RmCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = {"-f", "--force"}, description = "kill a running container first")
    boolean force;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() throws Exception {
        try (Engine engine = engineOptions.open()) {
            for (String ref : refs) {
                var c = Containers.resolve(engine, ref);
                var implicitSandbox = ImplicitSandbox.of(engine, c);
                if (implicitSandbox.isEmpty() && c.annotations() != null
                        && c.annotations().containsKey(PodAnnotations.SANDBOX_ID)) {
                    throw new FailedPreconditionException("container " + ref + " belongs to pod "
                            + c.annotations().get(PodAnnotations.SANDBOX_ID) + "; remove the pod (peapod pod rm)");
                }
                if (!c.status().canDelete() && !force) {
                    throw new FailedPreconditionException("container " + ref + " is " + c.status().ociName()
                            + "; stop it first or use --force");
                }
                engine.removeContainer(c.id(), true);
                if (implicitSandbox.isPresent()) {
                    engine.pods().remove(implicitSandbox.get().id());
                }
                String log = c.annotations() == null ? null : c.annotations().get(Containers.LOG);
                if (log != null) {
                    Files.deleteIfExists(Path.of(log));
                }
                command.commandLine().getOut().println(ref);
            }
        }
        command.commandLine().getOut().flush();
        return 0;
    }
}
