package io.peapod.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Hook;
import io.peapod.runtime.spec.Hooks;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {
    @TempDir
    Path tmp;

    private static final ContainerRecord RECORD = new ContainerRecord("c1", "/b", "/b/rootfs", ContainerStatus.CREATING,
            42, 1, 0, "peapod/c1", "t", null, null, null, null, "root", Map.of("k", "v"));

    private static Hook hook(String path, List<String> args, List<String> env, Integer timeout) {
        Hook h = new Hook();
        h.path = path;
        h.args = args;
        h.env = env;
        h.timeout = timeout;
        return h;
    }

    @Test
    void stateJsonAsTheSpecDefinesIt() {
        assertEquals("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":42,\"bundle\":\"/b\","
                + "\"annotations\":{\"k\":\"v\"}}", HookRunner.stateJson(RECORD, "creating"));
        assertTrue(!HookRunner.stateJson(RECORD, "stopped").contains("pid"));
    }

    @Test
    void argsZeroIsTheProgramsOwnName() {
        assertEquals(List.of("/bin/hook", "a", "b"),
                HookRunner.command(hook("/bin/hook", List.of("hook", "a", "b"), null, null), List.of()));
        assertEquals(List.of("/bin/hook"), HookRunner.command(hook("/bin/hook", null, null, null), List.of()));
    }

    @Test
    void containerHooksEnterEveryNamespaceButMount() {
        Spec spec = DefaultSpec.create(false);
        List<String> prefix = HookRunner.nsenterPrefix(spec, 42);
        assertEquals(List.of("/usr/bin/nsenter", "--target", "42"), prefix.subList(0, 3));
        assertTrue(prefix.containsAll(List.of("--pid", "--net", "--ipc", "--uts")), prefix.toString());
        assertTrue(!prefix.contains("--mount"));
        assertEquals("--", prefix.get(prefix.size() - 1));
    }

    @Test
    void hooksGetStateOnStdinAndOnlyTheirEnv() throws Exception {
        Path out = tmp.resolve("out");
        Spec spec = DefaultSpec.create(false);
        spec.hooks = new Hooks();
        spec.hooks.poststart = List.of(hook("/bin/sh", List.of("sh", "-c", "cat > " + out + "; env >> " + out),
                List.of("ONLY=this"), 5));
        HookRunner.run(spec, HookRunner.Stage.POSTSTART, RECORD, "running");
        String text = Files.readString(out);
        assertTrue(text.startsWith("{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"running\""), text);
        assertTrue(text.contains("ONLY=this"));
        assertTrue(!text.contains("HOME="), "the caller's environment does not leak into hooks");
    }

    @Test
    void failureAndTimeoutNameTheHook() {
        Spec spec = DefaultSpec.create(false);
        spec.hooks = new Hooks();
        spec.hooks.createRuntime = List.of(hook("/bin/sh", List.of("sh", "-c", "echo nope; exit 3"), null, null));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> HookRunner.run(spec, HookRunner.Stage.CREATE_RUNTIME, RECORD, "creating"));
        assertEquals("container c1: createRuntime hook 0 (/bin/sh) exited with status 3: nope", e.getMessage());

        spec.hooks.createRuntime = List.of(hook("/bin/sleep", List.of("sleep", "20"), null, 1));
        e = assertThrows(FailedPreconditionException.class,
                () -> HookRunner.run(spec, HookRunner.Stage.CREATE_RUNTIME, RECORD, "creating"));
        assertEquals("container c1: createRuntime hook 0 (/bin/sleep) timed out after 1 s", e.getMessage());

        spec.hooks.poststop = List.of(hook("/no/such/hook", null, null, null),
                hook("/bin/sh", List.of("sh", "-c", "touch " + tmp.resolve("second")), null, null));
        HookRunner.runLogged(spec, HookRunner.Stage.POSTSTOP, RECORD, "stopped");
        assertTrue(Files.exists(tmp.resolve("second")), "a failing poststop hook does not stop the next one");
    }
}
