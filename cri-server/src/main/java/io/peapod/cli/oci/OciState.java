package io.peapod.cli.oci;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "state", description = "Print a container's state as OCI state JSON.")
final class OciState implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Override
    public Integer call() throws Exception {
        ContainerRecord r = oci.runtime().state(id);
        System.out.println(OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(stateOf(r)));
        return 0;
    }

    /** The state as runc prints it: the OCI state plus runc's rootfs, created and owner. */
    static Map<String, Object> stateOf(ContainerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", "1.2.0");
        m.put("id", r.id());
        m.put("pid", r.status() == ContainerStatus.STOPPED ? 0 : r.pid());
        m.put("status", r.status() == ContainerStatus.CREATING ? "creating" : r.status().ociName());
        m.put("bundle", r.bundle());
        m.put("rootfs", r.rootfs());
        m.put("created", r.created());
        m.put("owner", r.owner() == null ? "" : r.owner());
        if (r.annotations() != null && !r.annotations().isEmpty()) {
            m.put("annotations", r.annotations());
        }
        return m;
    }
}
