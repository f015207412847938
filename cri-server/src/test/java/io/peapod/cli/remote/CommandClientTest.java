package io.peapod.cli.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.cli.container.ExecCommand;
import io.peapod.cli.container.RunCommand;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class CommandClientTest {
    private static Path socket(String... args) {
        return CommandClient.socketFor(args);
    }

    @Test
    void theStateOptionChoosesTheDaemon() {
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("ps"));
        assertEquals(Path.of("/tmp/s/cli.sock"), socket("ps", "-a", "--state", "/tmp/s"));
        assertEquals(Path.of("/tmp/s/cli.sock"), socket("pod", "ls", "--state=/tmp/s"));
        assertEquals(Path.of("/tmp/s/cli.sock"), socket("pod", "run", "x.yaml", "--state", "/tmp/s"),
                "options may follow positionals");
        assertEquals(Path.of("").toAbsolutePath().resolve("rel/cli.sock"), socket("ps", "--state", "rel"));
    }

    @Test
    void theContainersCommandLineIsNotPeapods() {
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("run", "img", "prog", "--state", "/tmp/s"));
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("exec", "ctr", "prog", "--state", "/tmp/s"));
        assertEquals(Path.of("/tmp/s/cli.sock"), socket("run", "-e", "A=1", "--state", "/tmp/s", "img", "prog"));
        assertEquals(Path.of("/tmp/s/cli.sock"), socket("run", "-ite", "A=1", "--state", "/tmp/s", "img"),
                "a cluster of short options ending in one that takes a value");
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("run", "-eA=1", "img", "--state", "/tmp/s"),
                "a short option with its value attached");
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("run", "--name", "--state", "img"),
                "--state as the value of --name");
        assertEquals(Path.of("/run/peapod/cli.sock"), socket("ps", "--", "--state", "/tmp/s"));
    }

    /** The client's list of options that take a value must follow the commands' real options. */
    @Test
    void valueOptionsMatchTheCommands() {
        assertEquals(valueOptions(new RunCommand()), CommandClient.RUN_VALUE_OPTIONS);
        assertEquals(valueOptions(new ExecCommand()), CommandClient.EXEC_VALUE_OPTIONS);
    }

    private static Set<String> valueOptions(Object command) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : new CommandLine(command).getCommandSpec().options()) {
            if (o.arity().max() > 0) {
                names.addAll(Set.of(o.names()));
            }
        }
        return names;
    }

    @Test
    void toolsAndTheDaemonItselfRunLocally() {
        for (String local : new String[] {"serve", "oci", "bench", "completion", "version", "--help", "-V"}) {
            assertFalse(CommandClient.daemonMayRun(new String[] {local}), local);
        }
        assertFalse(CommandClient.daemonMayRun(new String[0]));
        assertTrue(CommandClient.daemonMayRun(new String[] {"ps"}));
    }
}
