package io.peapod.cli.container;

import io.peapod.cli.common.CriLog;
import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.cli.common.Terminal;
import io.peapod.cri.translate.LayeredRootfsReader;
import io.peapod.cri.translate.RootfsReader;
import io.peapod.cri.translate.UserResolver;
import io.peapod.helper.ExitFile;
import io.peapod.helper.MonitorClient;
import io.peapod.image.Image;
import io.peapod.image.ProgressListener;
import io.peapod.image.spec.ImageConfig;
import io.peapod.kube.Quantities;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerIds;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.pod.PodSpecs;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.spec.Box;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.LinuxCpu;
import io.peapod.runtime.spec.LinuxMemory;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.LinuxPids;
import io.peapod.runtime.spec.Mount;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.User;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code peapod run}: a container from an image; in the foreground its exit code is ours. */
@Command(name = "run", description = "Run a command in a new container from an image.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;

    @picocli.CommandLine.Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "command and arguments (default: the image's)")
    List<String> args = new ArrayList<>();

    @Option(names = "--rm", description = "remove the container when it exits")
    boolean rm;

    @Option(names = {"-d", "--detach"}, description = "run in the background and print the container id")
    boolean detach;

    @Option(names = {"-i", "--interactive"}, description = "keep stdin open and pass ours to it")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "give it a terminal (ours, in raw mode, with -i)")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE")
    List<String> env = new ArrayList<>();

    @Option(names = {"-v", "--volume"}, paramLabel = "HOST:CONTAINER[:ro]")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--name")
    String name;

    @Option(names = "--memory", paramLabel = "BYTES", description = "memory limit, e.g. 64m, 1g, 128Mi")
    String memory;

    @Option(names = "--cpus", description = "CPU limit, e.g. 0.5")
    String cpus;

    @Option(names = "--pids-limit")
    Long pidsLimit;

    @Option(names = "--network", description = "none (own namespace with loopback, default), host, or cni "
            + "(own namespace on the CNI network pods get, in a sandbox removed with the container)",
            defaultValue = "none")
    String network;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]",
            description = "name or uid, and group name or gid, as in the image's /etc/passwd and /etc/group")
    String user;

    @Option(names = {"-w", "--workdir"})
    String workdir;

    @Option(names = "--entrypoint")
    String entrypoint;

    @Override
    public Integer call() throws Exception {
        Invocation invocation = Invocation.current();
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        String id = ContainerIds.random();
        Started started;
        try (Engine engine = engineOptions.open()) {
            if (name != null) {
                ContainerIds.check(name);
                boolean taken = engine.containers().list().stream().anyMatch(c -> name.equals(Containers.name(c)));
                if (taken) {
                    throw new AlreadyExistsException("a container named " + name + " already exists");
                }
            }
            Image img = engine.images().find(image).orElseGet(() -> engine.images().pull(image, ProgressListener.NONE));
            Spec spec = spec(img, id);
            Path log = engine.config().root().resolve("logs").resolve(id + ".log");
            Files.createDirectories(log.getParent());
            spec.annotations = new LinkedHashMap<>();
            spec.annotations.put(Containers.LOG, log.toString());
            spec.annotations.put(Containers.COMMAND, String.join(" ", spec.process.args));
            if (name != null) {
                spec.annotations.put(Containers.NAME, name);
            }
            int[] size = tty && !detach ? invocation.terminal().size() : null;
            if (size != null) {
                spec.process.consoleSize = new Box(size[0], size[1]);
            }
            CreateOptions options = CreateOptions.logTo(log);
            if (interactive) {
                // docker's run -i: the end of our input is the end of the container's
                options = options.withStdin(!detach);
            }
            Engine.PreparedRootfs rootfs = engine.prepareRootfs(id, image);
            String sandboxId = null;
            try {
                spec.process.user = user(img, id, new LayeredRootfsReader(rootfs.layersTopmostFirst()));
                spec.annotations.put(Engine.IMAGE_NAME, image);
                if (network.equals("cni")) {
                    SandboxRecord sandbox = ImplicitSandbox.create(engine, id, spec.hostname);
                    sandboxId = sandbox.id();
                    PodSpecs.joinPod(spec, sandbox, engine.pods().directoryOf(sandboxId), null);
                }
                engine.createPrepared(id, rootfs, spec, sandboxId, options);
            } catch (RuntimeException e) {
                if (engine.containers().list().stream().anyMatch(c -> c.id().equals(id))) {
                    engine.removeContainer(id, true);
                } else {
                    engine.discard(id);
                }
                if (sandboxId != null) {
                    engine.pods().remove(sandboxId);
                }
                throw e;
            }
            Attachment attachment = null;
            try {
                if (!detach && (interactive || tty)) {
                    attachment = Attachment.open(engine.containers().context().store().directoryOf(id), interactive);
                    invocation.closeOnCancel(attachment);
                }
                engine.containers().start(id);
            } catch (RuntimeException e) {
                if (attachment != null) {
                    attachment.close();
                }
                remove(engine, id, sandboxId);
                throw e;
            }
            if (detach) {
                out.println(id);
                out.flush();
                return 0;
            }
            started = new Started(engine.containers().context().store().directoryOf(id), log, sandboxId, attachment);
        }
        // the store's lock is not held while the container runs: other commands may run meanwhile
        int code = follow(invocation, started, out, err);
        if (rm) {
            try (Engine engine = openWhenFree()) {
                remove(engine, id, started.sandboxId());
            }
        }
        return code;
    }

    /** What a foreground run follows once its container runs. */
    private record Started(Path stateDir, Path log, String sandboxId, Attachment attachment) {
    }

    /** The container's output until it exits; its exit code, from its monitor's exit file. */
    private int follow(Invocation invocation, Started started, PrintWriter out, PrintWriter err) throws Exception {
        Path stateDir = started.stateDir();
        if (started.attachment() != null) {
            try (Attachment a = started.attachment();
                 Terminal.Restore restore = tty && interactive ? invocation.terminal().raw() : () -> { };
                 Terminal.Restore watch = tty ? invocation.terminal().watchSize(
                         (rows, cols) -> resize(stateDir, rows, cols)) : () -> { }) {
                a.relay(invocation);
            }
        } else {
            new CriLog(out, err, false, null).print(started.log(), -1, () -> ExitFile.read(stateDir).isEmpty());
        }
        while (true) {
            var exit = ExitFile.read(stateDir);
            if (exit.isPresent()) {
                return exit.get().exitCode();
            }
            Thread.sleep(50);
        }
    }

    /** The engine for --rm: another command may hold the store's lock for a moment (embedded, no daemon). */
    private Engine openWhenFree() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return engineOptions.open();
            } catch (FailedPreconditionException busy) {
                if (System.nanoTime() > deadline) {
                    throw busy;
                }
                Thread.sleep(100);
            }
        }
    }

    private static void resize(Path stateDir, int rows, int cols) {
        try {
            MonitorClient.resize(stateDir, rows, cols);
        } catch (RuntimeException e) {
            // the container exited meanwhile: nothing to resize
        }
    }

    /** Removes the container and the sandbox made for it, if any. */
    private static void remove(Engine engine, String id, String sandboxId) {
        engine.removeContainer(id, true);
        if (sandboxId != null) {
            engine.pods().remove(sandboxId);
        }
    }

    private Spec spec(Image img, String id) {
        ImageConfig.ContainerConfig ic = img.config() == null ? null : img.config().config();
        Spec spec = DefaultSpec.create(false);
        var p = spec.process;
        p.terminal = tty;
        List<String> ep = entrypoint != null ? (entrypoint.isEmpty() ? List.of() : List.of(entrypoint))
                : ic == null || ic.entrypoint() == null ? List.of() : ic.entrypoint();
        List<String> cmd = !args.isEmpty() ? args : entrypoint != null || ic == null || ic.cmd() == null
                ? List.of() : ic.cmd();
        p.args = new ArrayList<>(ep);
        p.args.addAll(cmd);
        if (p.args.isEmpty()) {
            throw new InvalidArgumentException("no command given and image " + image + " has no Entrypoint or Cmd");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (String e : ic == null || ic.env() == null ? List.<String>of() : ic.env()) {
            put(vars, e);
        }
        for (String e : env) {
            if (!e.contains("=")) {
                var v = Invocation.current().env(e);
                if (v.isEmpty()) {
                    continue;
                }
                e = e + "=" + v.get();
            }
            put(vars, e);
        }
        vars.putIfAbsent("HOSTNAME", name != null ? name : id.substring(0, 12));
        p.env = new ArrayList<>();
        vars.forEach((k, v) -> p.env.add(k + "=" + v));
        p.cwd = workdir != null ? workdir : ic != null && ic.workingDir() != null && !ic.workingDir().isEmpty()
                ? ic.workingDir() : "/";
        spec.hostname = name != null ? name : id.substring(0, 12);
        switch (network) {
            case "none" -> {
            }
            case "host" -> spec.linux().namespaces.removeIf(n -> n.type.equals(LinuxNamespace.NETWORK));
            case "cni" -> {
                // the namespaces become those of the container's own sandbox (see call)
            }
            default -> throw new InvalidArgumentException("--network must be none, host or cni, not " + network);
        }
        List<Mount> mounts = new ArrayList<>(spec.mounts);
        for (String v : volumes) {
            String[] parts = v.split(":");
            if (parts.length < 2 || parts.length > 3 || !parts[0].startsWith("/") || !parts[1].startsWith("/")
                    || parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw")) {
                throw new InvalidArgumentException("volume \"" + v + "\" must be /HOST/PATH:/CONTAINER/PATH[:ro]");
            }
            if (!Files.exists(Path.of(parts[0]))) {
                throw new InvalidArgumentException("volume " + v + ": " + parts[0] + " does not exist");
            }
            mounts.add(new Mount(parts[1], "bind", parts[0],
                    List.of("rbind", "rprivate", parts.length == 3 ? parts[2] : "rw")));
        }
        spec.mounts = mounts;
        var res = spec.linux().resources();
        if (memory != null) {
            res.memory = new LinuxMemory();
            res.memory.limit = memoryBytes(memory);
        }
        if (cpus != null) {
            res.cpu = new LinuxCpu();
            res.cpu.period = 100_000L;
            try {
                res.cpu.quota = Math.max(1000, Math.round(Double.parseDouble(cpus) * 100_000));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("--cpus must be a number such as 0.5, not " + cpus);
            }
        }
        if (pidsLimit != null) {
            res.pids = new LinuxPids();
            res.pids.limit = pidsLimit;
        }
        return spec;
    }

    /**
     * --user, else the image's User, resolved as docker does in the image's own /etc/passwd and
     * /etc/group: a name must be there, a numeric uid need not; the groups that list the user as a
     * member are its supplementary groups.
     */
    private User user(Image img, String id, RootfsReader files) {
        ImageConfig.ContainerConfig ic = img.config() == null ? null : img.config().config();
        String u = user != null ? user : ic == null ? null : ic.user();
        UserResolver resolver = new UserResolver("container " + (name != null ? name : id.substring(0, 12)), files);
        UserResolver.ResolvedUser resolved = resolver.resolve(u);
        TreeSet<Long> groups = new TreeSet<>();
        groups.add(resolved.gid());
        groups.addAll(resolver.memberships(resolved.username()));
        User out = new User(resolved.uid(), resolved.gid());
        out.additionalGids = new ArrayList<>(groups);
        return out;
    }

    /** docker's 64m/1g as well as Kubernetes' 64Mi/1G. */
    static long memoryBytes(String s) {
        String t = s.trim();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        try {
            if (lower.matches("[0-9]+[bkmg]")) {
                long n = Long.parseLong(lower.substring(0, lower.length() - 1));
                return switch (lower.charAt(lower.length() - 1)) {
                    case 'k' -> n << 10;
                    case 'm' -> n << 20;
                    case 'g' -> n << 30;
                    default -> n;
                };
            }
            return Quantities.bytes(t);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("--memory \"" + s + "\" is not a size such as 64m, 1g or 128Mi");
        }
    }

    private static void put(Map<String, String> vars, String e) {
        int eq = e.indexOf('=');
        vars.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
}
