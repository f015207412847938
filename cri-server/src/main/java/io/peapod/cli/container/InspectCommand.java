package io.peapod.cli.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod inspect}: a container's record as JSON (or YAML). */
@Command(name = "inspect", description = "Show containers' details as JSON.")
public final class InspectCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    @Override
    public Integer call() {
        if (!output.structured()) {
            output.format = Output.Format.json;
        }
        List<Inspected> found = new ArrayList<>();
        try (Engine engine = engineOptions.open()) {
            for (String ref : refs) {
                ContainerRecord c = Containers.resolve(engine, ref);
                var network = ImplicitSandbox.of(engine, c).map(ImplicitSandbox.Network::of);
                found.add(new Inspected(c, network.orElse(null)));
            }
        }
        output.print(command.commandLine().getOut(), found);
        return 0;
    }

    /** The container's record, and its network when it runs in a {@code run --network cni} sandbox. */
    record Inspected(@JsonUnwrapped ContainerRecord container,
                     @JsonInclude(JsonInclude.Include.NON_NULL) ImplicitSandbox.Network network) {
    }
}
