package io.peapod.runtime.container;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.spec.Hook;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the OCI lifecycle hooks of one stage. Each hook gets the container's state JSON
 * on stdin, its own {@code args} (args[0] is its argv[0]) and {@code env} only, and is
 * killed when its {@code timeout} passes.
 *
 * <p>Where they run: prestart, createRuntime, poststart and poststop in the runtime's
 * namespaces (as this process). createContainer and startContainer run in the
 * container's namespaces through {@code nsenter(1)} targeting the container process:
 * every namespace the container has except the mount namespace, so that the hook's
 * path resolves on the host as the spec requires (runc gets the same effect by running
 * them from its init before {@code pivot_root}).
 */
final class HookRunner {
    private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
    private static final String NSENTER = "/usr/bin/nsenter";

    /** The stages, by the name the spec gives them. */
    enum Stage { PRESTART, CREATE_RUNTIME, CREATE_CONTAINER, START_CONTAINER, POSTSTART, POSTSTOP }

    private HookRunner() {
    }

    static List<Hook> hooksOf(Spec spec, Stage stage) {
        if (spec.hooks == null) {
            return List.of();
        }
        List<Hook> hooks = switch (stage) {
            case PRESTART -> spec.hooks.prestart;
            case CREATE_RUNTIME -> spec.hooks.createRuntime;
            case CREATE_CONTAINER -> spec.hooks.createContainer;
            case START_CONTAINER -> spec.hooks.startContainer;
            case POSTSTART -> spec.hooks.poststart;
            case POSTSTOP -> spec.hooks.poststop;
        };
        return hooks == null ? List.of() : hooks;
    }

    static String stageName(Stage stage) {
        return switch (stage) {
            case PRESTART -> "prestart";
            case CREATE_RUNTIME -> "createRuntime";
            case CREATE_CONTAINER -> "createContainer";
            case START_CONTAINER -> "startContainer";
            case POSTSTART -> "poststart";
            case POSTSTOP -> "poststop";
        };
    }

    /** The OCI state a hook reads on stdin. */
    static String stateJson(ContainerRecord r, String status) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ociVersion", "1.2.0");
        m.put("id", r.id());
        m.put("status", status);
        if (!status.equals("stopped")) {
            m.put("pid", r.pid());
        }
        m.put("bundle", r.bundle());
        if (r.annotations() != null && !r.annotations().isEmpty()) {
            m.put("annotations", r.annotations());
        }
        try {
            return SpecIO.mapper().writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state of container " + r.id(), e);
        }
    }

    /**
     * Runs every hook of {@code stage} in order; the first that fails (non-zero exit, timeout,
     * cannot start) throws {@link FailedPreconditionException} with its output.
     */
    static void run(Spec spec, Stage stage, ContainerRecord r, String status) {
        List<Hook> hooks = hooksOf(spec, stage);
        if (hooks.isEmpty()) {
            return;
        }
        String state = stateJson(r, status);
        boolean inContainer = stage == Stage.CREATE_CONTAINER || stage == Stage.START_CONTAINER;
        for (int i = 0; i < hooks.size(); i++) {
            Hook h = hooks.get(i);
            List<String> command = command(h, inContainer ? nsenterPrefix(spec, r.pid()) : List.of());
            runOne(r.id(), stageName(stage) + " hook " + i + " (" + h.path + ")", command, h, state);
        }
    }

    /** As {@link #run}, but a failure is logged and the remaining hooks still run (poststart, poststop). */
    static void runLogged(Spec spec, Stage stage, ContainerRecord r, String status) {
        List<Hook> hooks = hooksOf(spec, stage);
        String state = hooks.isEmpty() ? null : stateJson(r, status);
        for (int i = 0; i < hooks.size(); i++) {
            Hook h = hooks.get(i);
            try {
                runOne(r.id(), stageName(stage) + " hook " + i + " (" + h.path + ")", command(h, List.of()), h,
                        state);
            } catch (RuntimeException e) {
                LOG.warn("container {}: {}", r.id(), e.getMessage());
            }
        }
    }

    static List<String> command(Hook h, List<String> prefix) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(h.path);
        if (h.args != null && h.args.size() > 1) {
            cmd.addAll(h.args.subList(1, h.args.size()));
        }
        return cmd;
    }

    /** nsenter into every namespace of the container process but its mount namespace. */
    static List<String> nsenterPrefix(Spec spec, int pid) {
        List<String> cmd = new ArrayList<>(List.of(NSENTER, "--target", Integer.toString(pid)));
        for (LinuxNamespace ns : spec.linux().namespaces()) {
            switch (ns.type) {
                case LinuxNamespace.NETWORK -> cmd.add("--net");
                case LinuxNamespace.USER -> {
                    cmd.add("--user");
                    cmd.add("--preserve-credentials");
                }
                case "ipc" -> cmd.add("--ipc");
                case "uts" -> cmd.add("--uts");
                case "pid" -> cmd.add("--pid");
                case "cgroup" -> cmd.add("--cgroup");
                case "time" -> cmd.add("--time");
                default -> {
                    // the mount namespace stays the runtime's
                }
            }
        }
        cmd.add("--");
        return cmd;
    }

    private static void runOne(String id, String what, List<String> command, Hook h, String state) {
        Path output = null;
        try {
            output = Files.createTempFile("peapod-hook-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            pb.environment().clear();
            if (h.env != null) {
                for (String e : h.env) {
                    int eq = e.indexOf('=');
                    if (eq > 0) {
                        pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
                    }
                }
            }
            LOG.debug("container {}: running {}: {}", id, what, command);
            java.lang.Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(state.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // a hook that does not read its stdin closes the pipe early
            }
            boolean done = h.timeout == null ? waitFor(p) : p.waitFor(h.timeout, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor();
                throw new FailedPreconditionException("container " + id + ": " + what + " timed out after "
                        + h.timeout + " s" + tail(output));
            }
            if (p.exitValue() != 0) {
                throw new FailedPreconditionException("container " + id + ": " + what + " exited with status "
                        + p.exitValue() + tail(output));
            }
        } catch (IOException e) {
            throw new FailedPreconditionException("container " + id + ": cannot run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FailedPreconditionException("container " + id + ": interrupted while running " + what);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    private static boolean waitFor(java.lang.Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    private static String tail(Path output) {
        try {
            String text = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return "";
            }
            return ": " + (text.length() > 2000 ? text.substring(text.length() - 2000) : text);
        } catch (IOException e) {
            return "";
        }
    }
}
