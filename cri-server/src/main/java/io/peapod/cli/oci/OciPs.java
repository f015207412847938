package io.peapod.cli.oci;

import io.peapod.runtime.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "ps", description = "List the processes of a container (the pids of its cgroup).")
final class OciPs implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Option(names = {"-f", "--format"}, description = "table or json (default ${DEFAULT-VALUE})",
            defaultValue = "table")
    String format;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "PS-ARGS", description = "arguments for ps(1) (table format; default -ef)")
    List<String> psArgs;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("table") && !format.equals("json")) {
            throw new InvalidArgumentException("invalid format \"" + format + "\": use table or json");
        }
        Set<Integer> pids = new TreeSet<>(oci.runtime().pids(id));
        if (format.equals("json")) {
            if (psArgs != null && !psArgs.isEmpty()) {
                throw new InvalidArgumentException("ps arguments " + psArgs + " cannot be used with --format json");
            }
            System.out.println(OciJson.MAPPER.writeValueAsString(pids));
            return 0;
        }
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(psArgs == null || psArgs.isEmpty() ? List.of("-ef") : psArgs);
        System.out.print(filterTable(runPs(cmd), pids));
        return 0;
    }

    private static String runPs(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with status " + p.exitValue());
        }
        return out;
    }

    /** The header of ps(1) output and the lines whose PID column names one of {@code pids}. */
    static String filterTable(String psOutput, Set<Integer> pids) {
        String[] lines = psOutput.split("\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new IllegalStateException("ps printed nothing");
        }
        String[] header = lines[0].trim().split("\\s+");
        int column = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals("PID")) {
                column = i;
            }
        }
        if (column < 0) {
            throw new InvalidArgumentException("ps output has no PID column; include pid in the ps arguments");
        }
        StringBuilder sb = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (fields.length > column) {
                try {
                    if (pids.contains(Integer.parseInt(fields[column]))) {
                        sb.append(lines[i]).append('\n');
                    }
                } catch (NumberFormatException ignored) {
                    // not a process line
                }
            }
        }
        return sb.toString();
    }
}
