package io.peapod.cli;

import io.peapod.cli.oci.OciMain;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peapod} command line. */
@Command(name = "peapod", mixinStandardHelpOptions = true, versionProvider = Version.class,
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
        System.exit(commandLine().execute(args));
    }

    /** The command tree, with errors shown as one line on stderr and exit code 1, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // everything after the image is the container's command line, options included
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().get("exec").setStopAtPositional(true);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("peapod: " + message);
            if (System.getenv("PEAPOD_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
