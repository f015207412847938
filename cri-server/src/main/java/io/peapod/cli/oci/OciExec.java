package io.peapod.cli.oci;

import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "exec", description = "Run one more process in a running container and wait for it.")
final class OciExec implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "command and arguments")
    List<String> command;

    @Option(names = {"-p", "--process"}, description = "process.json (an OCI process object)")
    Path processFile;

    @Option(names = {"-e", "--env"}, description = "extra environment variables")
    List<String> env;

    @Option(names = "--cwd", description = "working directory")
    String cwd;

    @Option(names = {"-u", "--user"}, description = "UID[:GID]")
    String user;

    @Option(names = {"-t", "--tty"}, description = "allocate a pseudo-terminal")
    boolean tty;

    @Override
    public Integer call() throws IOException {
        ContainerRuntime rt = oci.runtime();
        Process p;
        if (processFile != null) {
            p = SpecIO.mapper().readValue(Files.readAllBytes(processFile), Process.class);
        } else {
            if (command == null || command.isEmpty()) {
                throw new InvalidArgumentException("exec: give a command or --process");
            }
            Long uid = null;
            Long gid = null;
            if (user != null) {
                String[] parts = user.split(":", 2);
                try {
                    uid = Long.parseLong(parts[0]);
                    gid = parts.length > 1 ? Long.parseLong(parts[1]) : null;
                } catch (NumberFormatException e) {
                    throw new InvalidArgumentException("--user \"" + user + "\": expected UID[:GID]");
                }
            }
            p = rt.execProcess(id, command, env, cwd, uid, gid, tty);
        }
        return rt.exec(id, p, Map.of(0, "-", 1, "-", 2, "-"));
    }
}
