package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.runtime.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod stop}: SIGTERM, the grace period, then SIGKILL. */
@Command(name = "stop", description = "Stop running containers (SIGTERM, then SIGKILL after the grace period).")
public final class StopCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = {"-t", "--time"}, description = "seconds to wait before SIGKILL (default ${DEFAULT-VALUE})",
            defaultValue = "10")
    long seconds;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        try (Engine engine = engineOptions.open()) {
            for (String ref : refs) {
                var c = Containers.resolve(engine, ref);
                engine.containers().stop(c.id(), Duration.ofSeconds(seconds));
                command.commandLine().getOut().println(ref);
            }
        }
        command.commandLine().getOut().flush();
        return 0;
    }
}
