package io.peapod.cli;

import io.peapod.cli.common.Invocation;
import io.peapod.cli.oci.OciMain;
import io.peapod.cli.remote.CommandClient;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The {@code peapod} command line. */
@Command(name = "peapod", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Version.class,
        description = "A container runtime and pod sandbox manager.",
        subcommands = {io.peapod.cli.container.RunCommand.class, io.peapod.cli.container.PsCommand.class,
            io.peapod.cli.container.LogsCommand.class, io.peapod.cli.container.StopCommand.class,
            io.peapod.cli.container.KillCommand.class, io.peapod.cli.container.RmCommand.class,
            io.peapod.cli.container.InspectCommand.class, io.peapod.cli.container.StatsCommand.class,
            io.peapod.cli.container.ExecCommand.class, io.peapod.cli.container.AttachCommand.class,
            io.peapod.cli.pod.PortForwardCommand.class,
            io.peapod.cli.pod.PodCommand.class,
            io.peapod.cli.image.ImageCommand.class, io.peapod.cli.system.InfoCommand.class,
            io.peapod.cli.system.VersionCommand.class, io.peapod.cli.system.CompletionCommand.class,
            io.peapod.cli.oci.OciCommand.class, io.peapod.cli.bench.BenchCommand.class,
            io.peapod.cli.serve.ServeCommand.class})
public final class Main implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
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
        System.exit(commandLine().execute(args));
    }

    /** The command tree for this process's own invocation. */
    public static CommandLine commandLine() {
        return commandLine(Invocation.current());
    }

    /**
     * The command tree for {@code invocation}: its output goes to the invocation's streams and
     * relative paths are relative to its working directory. Errors are shown as one line on
     * stderr with exit code 1, never a stack trace.
     */
    public static CommandLine commandLine(Invocation invocation) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(new OutputStreamWriter(invocation.stdout(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(invocation.stderr(), StandardCharsets.UTF_8), true));
        cl.registerConverter(Path.class, s -> invocation.cwd().resolve(s));
        // everything after the image is the container's command line, options included
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().get("exec").setStopAtPositional(true);
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

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
