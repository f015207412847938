package io.peapod.cli.bench;

import picocli.CommandLine.Command;

/** {@code peapod bench}: measurements an operator can run on their own node. */
@Command(name = "bench", description = "Measure peapod on this machine against its peers.",
        subcommands = {BenchOci.class, BenchCri.class, BenchPods.class, BenchCli.class})
public final class BenchCommand {
}
