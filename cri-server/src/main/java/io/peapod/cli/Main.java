package io.peapod.cli;

import io.peapod.cli.common.Invocation;
import io.peapod.cli.oci.OciMain;
import io.peapod.cli.remote.CommandClient;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code peapod} command line. */
@Command(name = "peapod", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Version.class,
        description = "A container runtime and pod sandbox manager.")
public final class Main implements Runnable {
    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(io.peapod.cli.container.RunCommand.class,
            io.peapod.cli.container.PsCommand.class, io.peapod.cli.container.LogsCommand.class,
            io.peapod.cli.container.StopCommand.class, io.peapod.cli.container.KillCommand.class,
            io.peapod.cli.container.RmCommand.class, io.peapod.cli.container.InspectCommand.class,
            io.peapod.cli.container.StatsCommand.class, io.peapod.cli.container.ExecCommand.class,
            io.peapod.cli.container.AttachCommand.class, io.peapod.cli.pod.PortForwardCommand.class,
            io.peapod.cli.pod.PodCommand.class, io.peapod.cli.image.ImageCommand.class,
            io.peapod.cli.system.InfoCommand.class, io.peapod.cli.system.VersionCommand.class,
            io.peapod.cli.system.CompletionCommand.class, io.peapod.cli.oci.OciCommand.class,
            io.peapod.cli.bench.BenchCommand.class, io.peapod.cli.serve.ServeCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) throws Exception {
        // the launcher starts every entry point with -jar (a class-data archive must be used with
        // the class path and options it was made with; JDK 25 also wants -jar for its module flags)
        switch (System.getProperty("peapod.entry", "")) {
            case "oci" -> System.exit(OciMain.run(args));
            case "oci-train" -> {
                io.peapod.cli.oci.OciTrain.main(args);
                return;
            }
            case "train" -> {
                Train.main(args);
                return;
            }
            default -> {
                // the command line
            }
        }
        // `oci` is on other orchestrators' hot path: go straight to it without the full tree
        if (args.length > 0 && args[0].equals("oci")) {
            System.exit(OciMain.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        // scripts ask for the version often: answer it without building the command tree
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(new Version().getVersion()[0]);
            System.exit(0);
        }
        // a daemon serving the state directory runs the command; this process only relays
        if (CommandClient.daemonMayRun(args)) {
            OptionalInt code = CommandClient.run(CommandClient.socketFor(args), args);
            if (code.isPresent()) {
                System.exit(code.getAsInt());
            }
        }
        System.exit(commandLine(Invocation.current(), args.length == 0 ? null : args[0]).execute(args));
    }

    /** The whole command tree for this process's own invocation. */
    public static CommandLine commandLine() {
        return commandLine(Invocation.current(), null);
    }

    /**
     * The command tree for {@code invocation}: its output goes to the invocation's streams and
     * relative paths are relative to its working directory. Errors are shown as one line on
     * stderr with exit code 1, never a stack trace.
     */
    public static CommandLine commandLine(Invocation invocation) {
        return commandLine(invocation, null);
    }

    /**
     * As {@link #commandLine(Invocation)}, with only the subcommand named {@code first} (the
     * first argument) when there is one by that name: picocli builds every command it is given
     * by reflection, and the whole tree costs tens of milliseconds on each run.
     */
    public static CommandLine commandLine(Invocation invocation, String first) {
        CommandLine cl = new CommandLine(new Main());
        List<Class<?>> named = COMMANDS.stream().filter(c -> names(c).contains(first)).toList();
        for (Class<?> c : named.isEmpty() ? COMMANDS : named) {
            cl.addSubcommand(c);
        }
        cl.setOut(new PrintWriter(new OutputStreamWriter(invocation.stdout(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(invocation.stderr(), StandardCharsets.UTF_8), true));
        cl.registerConverter(Path.class, s -> invocation.cwd().resolve(s));
        // everything after the image is the container's command line, options included
        for (String name : List.of("run", "exec")) {
            CommandLine sub = cl.getSubcommands().get(name);
            if (sub != null) {
                sub.setStopAtPositional(true);
            }
        }
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("peapod: " + message);
            if (invocation.env("PEAPOD_DEBUG").isPresent()) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    private static List<String> names(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        List<String> names = new java.util.ArrayList<>(List.of(c.aliases()));
        names.add(c.name());
        return names;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
