package io.peapod.cli;

import io.peapod.cli.oci.OciMain;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peapod} command line. */
@Command(name = "peapod", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A container runtime and pod sandbox manager.",
        subcommands = {io.peapod.cli.oci.OciCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        // `oci` is on other orchestrators' hot path: go straight to it without the full tree
        if (args.length > 0 && args[0].equals("oci")) {
            System.exit(OciMain.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
