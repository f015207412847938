package io.peapod.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peapod} command line. */
@Command(name = "peapod", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A container runtime and pod sandbox manager.")
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
