package io.peapod.cli.container;

import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import java.nio.file.Path;
import java.util.List;

/** Finding containers as a user names them: full id, unique id prefix, or name. */
final class Containers {
    static final String NAME = "io.peapod.cli.name";
    static final String COMMAND = "io.peapod.cli.command";
    static final String LOG = "io.peapod.log-path";

    private Containers() {
    }

    static ContainerRecord resolve(Engine engine, String ref) {
        List<ContainerRecord> all = engine.containers().list();
        for (ContainerRecord c : all) {
            if (c.id().equals(ref) || ref.equals(name(c))) {
                return c;
            }
        }
        List<ContainerRecord> prefixed = all.stream().filter(c -> c.id().startsWith(ref)).toList();
        if (prefixed.size() == 1 && !ref.isEmpty()) {
            return prefixed.get(0);
        }
        if (prefixed.size() > 1) {
            throw new InvalidArgumentException("container id prefix " + ref + " is ambiguous: "
                    + prefixed.size() + " containers match");
        }
        throw new NotFoundException("no container " + ref);
    }

    static String name(ContainerRecord c) {
        if (c.annotations() == null) {
            return "";
        }
        String n = c.annotations().get(NAME);
        if (n != null) {
            return n;
        }
        String k = c.annotations().get("io.kubernetes.container.name");
        return k == null ? "" : c.annotations().getOrDefault("io.kubernetes.pod.name", "") + "_" + k;
    }

    static Path logOf(ContainerRecord c) {
        String p = c.annotations() == null ? null : c.annotations().get(LOG);
        if (p == null) {
            throw new InvalidArgumentException("container " + c.id() + " has no log (it was not started by the "
                    + "peapod command line or a pod manifest)");
        }
        return Path.of(p);
    }
}
