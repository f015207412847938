package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod kill}: send a signal. */
@Command(name = "kill", description = "Send a signal to containers (default SIGKILL).")
public final class KillCommand implements Callable<Integer> {
    private static final Map<String, Integer> SIGNALS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("USR2", 12),
            Map.entry("TERM", 15), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("WINCH", 28));

    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = {"-s", "--signal"}, defaultValue = "KILL", description = "name or number (default KILL)")
    String signal;

    @Parameters(paramLabel = "CONTAINER", arity = "1..*")
    List<String> refs;

    static int signal(String s) {
        String n = s.toUpperCase(java.util.Locale.ROOT);
        n = n.startsWith("SIG") ? n.substring(3) : n;
        if (SIGNALS.containsKey(n)) {
            return SIGNALS.get(n);
        }
        try {
            int v = Integer.parseInt(n);
            if (v > 0 && v < 65) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new InvalidArgumentException("unknown signal \"" + s + "\"");
    }

    @Override
    public Integer call() {
        int sig = signal(signal);
        try (Engine engine = engineOptions.open()) {
            for (String ref : refs) {
                engine.containers().kill(Containers.resolve(engine, ref).id(), sig, false);
                command.commandLine().getOut().println(ref);
            }
        }
        command.commandLine().getOut().flush();
        return 0;
    }
}
