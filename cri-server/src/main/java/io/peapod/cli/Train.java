package io.peapod.cli;

import io.peapod.cli.common.Output;
import io.peapod.cli.remote.CommandClient;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The launcher's training run for its class-data archive (AppCDS): loads what most commands
 * need — the command tree and its help, the client path, Jackson's JSON and YAML — without
 * touching any state. It prints nothing and exits 0.
 */
public final class Train {
    private Train() {
    }

    public static void main(String[] args) throws Exception {
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        CommandLine cl = Main.commandLine();
        cl.setOut(sink);
        cl.setErr(sink);
        usage(cl, sink);
        cl.execute("version");
        Output json = new Output();
        json.format = Output.Format.json;
        json.print(sink, List.of(Map.of("trained", true)));
        Output yaml = new Output();
        yaml.format = Output.Format.yaml;
        yaml.print(sink, Map.of("trained", true));
        // a socket nobody listens on: the client's classes load, and it reports no daemon
        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "peapod-train-" + ProcessHandle.current().pid(),
                CommandClient.SOCKET_NAME);
        CommandClient.run(nowhere, new String[] {"ps"}, new ByteArrayInputStream(new byte[0]),
                OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                io.peapod.cli.common.Terminal.NONE);
    }

    private static void usage(CommandLine cl, PrintWriter sink) {
        cl.usage(sink);
        for (CommandLine sub : cl.getSubcommands().values()) {
            usage(sub, sink);
        }
    }
}
