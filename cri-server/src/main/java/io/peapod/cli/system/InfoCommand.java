package io.peapod.cli.system;

import io.peapod.cli.Version;
import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peapod info}: the store, what it holds and the host's features. */
@Command(name = "info", description = "Show system-wide information.")
public final class InfoCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        Map<String, Object> info = new LinkedHashMap<>();
        try (Engine engine = engineOptions.open()) {
            var containers = engine.containers().list();
            info.put("version", Version.current());
            info.put("mode", io.peapod.cli.common.Invocation.current().host().mode());
            info.put("root", engine.config().root().toString());
            info.put("state", engine.config().state().toString());
            info.put("containers", containers.size());
            info.put("running", containers.stream().filter(c -> c.status() == ContainerStatus.RUNNING).count());
            info.put("pods", engine.pods().list().size());
            info.put("images", engine.images().list().size());
            var du = engine.images().diskUsage();
            info.put("imageStore", du.bytes() + " bytes, " + du.inodes() + " inodes");
        }
        info.put("cgroups", Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) ? "v1 (hybrid)"
                : Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "v2" : "unknown");
        info.put("kernel", System.getProperty("os.version"));
        info.put("cpus", Runtime.getRuntime().availableProcessors());
        var out = command.commandLine().getOut();
        if (output.structured()) {
            output.print(out, info);
        } else {
            info.forEach((k, v) -> out.println(k + ": " + v));
            out.flush();
        }
        return 0;
    }
}
