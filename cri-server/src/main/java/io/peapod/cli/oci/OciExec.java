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

    @Option(names = {"-d", "--detach"}, description = "return once the process runs; do not wait for it")
    boolean detach;

    @Option(names = "--pid-file", description = "file to write the process's host pid to")
    Path pidFile;

    @Option(names = "--console-socket", description = "Unix socket that receives the pty master")
    Path consoleSocket;

    @Option(names = "--preserve-fds", description = "pass fds 3..3+N-1 on (not supported yet: only 0)")
    int preserveFds;

    @Option(names = "--process-label", description = "accepted for runc compatibility; SELinux is not supported")
    String processLabel;

    @Option(names = "--apparmor", description = "accepted for runc compatibility; AppArmor is not supported")
    String apparmor;

    @Option(names = "--no-new-privs", description = "set no_new_privs for the process")
    boolean noNewPrivs;

    @Option(names = {"-c", "--cap"}, description = "add a capability (not supported: use --process)")
    List<String> caps;

    @Override
    public Integer call() throws IOException {
        if (preserveFds != 0) {
            throw new InvalidArgumentException("--preserve-fds " + preserveFds + " is not supported by peapod");
        }
        if (caps != null && !caps.isEmpty()) {
            throw new InvalidArgumentException("exec --cap " + caps + " is not supported: give the capabilities in --process");
        }
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
            if (noNewPrivs) {
                p.noNewPrivileges = true;
            }
        }
        return rt.exec(id, p, Map.of(0, "-", 1, "-", 2, "-"), consoleSocket, pidFile, detach);
    }
}
