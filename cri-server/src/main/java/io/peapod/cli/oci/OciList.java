package io.peapod.cli.oci;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "list", aliases = "ps-all", description = "List containers.")
final class OciList implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Option(names = {"-f", "--format"}, description = "table or json (default ${DEFAULT-VALUE})",
            defaultValue = "table")
    String format;

    @Option(names = {"-q", "--quiet"}, description = "print ids only")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<ContainerRecord> all = oci.runtime().list();
        if (quiet) {
            all.forEach(r -> System.out.println(r.id()));
            return 0;
        }
        if (format.equals("json")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ContainerRecord r : all) {
                out.add(OciState.stateOf(r));
            }
            System.out.println(OciJson.MAPPER.writeValueAsString(out));
            return 0;
        }
        if (!format.equals("table")) {
            throw new io.peapod.runtime.errors.InvalidArgumentException("invalid format \"" + format
                    + "\": use table or json");
        }
        String row = "%-12s %-10s %-10s %-40s %-30s %s%n";
        System.out.printf(row, "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        for (ContainerRecord r : all) {
            System.out.printf(row, r.id(), r.status() == ContainerStatus.STOPPED ? 0 : r.pid(),
                    r.status().ociName(), r.bundle(), r.created(), r.owner() == null ? "" : r.owner());
        }
        return 0;
    }
}
