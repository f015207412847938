package io.peapod.cli.container;

import io.peapod.cli.common.CriLog;
import io.peapod.cli.common.EngineOptions;
import io.peapod.helper.ExitFile;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod logs}: a container's output from its CRI log. */
@Command(name = "logs", description = "Show a container's output.")
public final class LogsCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "CONTAINER")
    String container;

    @Option(names = {"-f", "--follow"})
    boolean follow;

    @Option(names = "--tail", description = "only the last N lines", defaultValue = "-1")
    int tail;

    @Option(names = "--since", description = "only lines since an RFC 3339 time or a duration such as 10m, 2h")
    String since;

    @Option(names = {"-t", "--timestamps"})
    boolean timestamps;

    @Override
    public Integer call() throws Exception {
        Path log;
        Path stateDir;
        try (Engine engine = engineOptions.open()) {
            var c = Containers.resolve(engine, container);
            log = Containers.logOf(c);
            stateDir = engine.containers().context().store().directoryOf(c.id());
        }
        // the store's lock is not held while following: the monitor's exit file says when to stop
        CriLog reader = new CriLog(command.commandLine().getOut(), command.commandLine().getErr(), timestamps,
                since(since));
        reader.print(log, tail, follow ? () -> ExitFile.read(stateDir).isEmpty() : null);
        return 0;
    }

    static Instant since(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return Instant.now().minus(Duration.parse("PT" + s.toUpperCase(java.util.Locale.ROOT)));
            } catch (DateTimeParseException e2) {
                throw new InvalidArgumentException("--since \"" + s + "\" is neither an RFC 3339 time nor a "
                        + "duration such as 10m or 2h");
            }
        }
    }

}
