package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.cli.common.Terminal;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ExecSession;
import io.peapod.runtime.spec.Box;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peapod exec}: one more process in a running container, in its namespaces, cgroup
 * and identity; its exit code is the command's. With {@code -t} it gets a terminal and the
 * caller's terminal is put in raw mode for the duration.
 */
@Command(name = "exec", description = "Run a command in a running container.")
public final class ExecCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = {"-i", "--interactive"}, description = "keep stdin open and pass it to the process")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "allocate a terminal")
    boolean tty;

    @Option(names = {"-e", "--env"}, description = "extra environment variables NAME=value")
    List<String> env;

    @Option(names = {"-w", "--workdir"}, description = "working directory inside the container")
    String workdir;

    @Parameters(index = "0", paramLabel = "CONTAINER")
    String ref;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*")
    List<String> cmd;

    @Override
    public Integer call() throws Exception {
        Invocation invocation = Invocation.current();
        ExecSession started;
        try (Engine engine = engineOptions.open()) {
            var c = Containers.resolve(engine, ref);
            var process = engine.containers().execProcess(c.id(), cmd, env, workdir, null, null, tty);
            int[] size = tty ? invocation.terminal().size() : null;
            if (size != null) {
                // the process starts with our terminal's size: a program that asks at once gets it
                process.consoleSize = new Box(size[0], size[1]);
            }
            started = engine.containers().execSession(c.id(), process, interactive);
        }
        // the store's lock is not held while the process runs: other commands may run meanwhile
        try (ExecSession session = started;
             Terminal.Restore restore = tty ? invocation.terminal().raw() : () -> { };
             Terminal.Restore watch = tty ? invocation.terminal().watchSize(session::resize) : () -> { }) {
            Thread out = pump(session.stdout(), invocation.stdout());
            Thread err = session.stderr() == null ? null : pump(session.stderr(), invocation.stderr());
            if (interactive) {
                Thread in = new Thread(() -> copy(invocation.stdin(), session.stdin(), true), "peapod-exec-stdin");
                in.setDaemon(true);
                in.start();
            }
            int code = session.waitFor();
            out.join(2000);
            if (err != null) {
                err.join(2000);
            }
            return code;
        } finally {
            invocation.stdout().flush();
        }
    }

    private static Thread pump(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> copy(from, to, false), "peapod-exec-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void copy(InputStream from, OutputStream to, boolean closeAfter) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = from.read(buf)) > 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
            if (closeAfter) {
                to.close();
            }
        } catch (IOException e) {
            // the process or the caller went away: nothing more to copy
        }
    }
}
