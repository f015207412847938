package io.peapod.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.cli.common.EmbeddedHost;
import io.peapod.cli.common.Invocation;
import io.peapod.cli.common.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line without a daemon: each command opens the engine in-process. */
class CliIT extends CliScenarios {
    @Override
    void startMode() {
        env.release();
    }

    @Override
    void stopMode() {
    }

    @Override
    Result run(List<String> args, byte[] stdin, Terminal terminal) {
        return embedded(args, stdin, terminal);
    }

    /** A command run in this process as a shell would run it, with captured streams. */
    static Result embedded(List<String> args, byte[] stdin, Terminal terminal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Invocation invocation = new Invocation(new ByteArrayInputStream(stdin), out, err,
                Path.of("").toAbsolutePath(), System.getenv(), terminal, EmbeddedHost.INSTANCE);
        int code = Invocation.runAs(invocation, () -> Main.commandLine(invocation, args.isEmpty() ? null : args.get(0))
                .execute(args.toArray(String[]::new)));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theEmbeddedEngineSaysWhenADaemonHoldsTheRoot() throws Exception {
        try (var held = io.peapod.runtime.Engine.open(env.config)) {
            Result r = peapod("ps");
            assertEquals(1, r.code());
            assertTrue(r.err().startsWith("peapod: peapod root " + env.config.root() + " is in use"), r.err());
            // a daemon still starting (not answering yet) whose root the command does not name
            Result other = run(List.of("ps", "--root", env.dir.resolve("other-root").toString(), "--state",
                    env.config.state().toString()), new byte[0], Terminal.NONE);
            assertEquals(1, other.code());
            assertTrue(other.err().startsWith("peapod: peapod state directory " + env.config.state() + " is in use"),
                    other.err());
        }
        assertTrue(peapod("info").out().contains("mode: embedded"), "info says who answered");
    }

    @Test
    void versionAndCompletion() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("version"));
        assertTrue(out.toString().startsWith("peapod version "), out.toString());
        out = new StringWriter();
        cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("completion"));
        assertTrue(out.toString().contains("complete -F") && out.toString().contains("pod"), out.toString());
    }
}
