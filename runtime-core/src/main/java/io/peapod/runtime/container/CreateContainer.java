package io.peapod.runtime.container;

import io.peapod.helper.Created;
import io.peapod.helper.Plan;
import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import io.peapod.runtime.spec.SpecValidator;
import io.peapod.runtime.util.Undo;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCI create: validate the bundle, make the cgroup, have the helper build the
 * container up to the point just before exec, and record it as CREATED. Each step
 * registers its undo; a failure anywhere leaves no process, cgroup or state behind.
 */
final class CreateContainer {
    private static final Logger LOG = LoggerFactory.getLogger(CreateContainer.class);

    /** The spec as created, kept for exec (namespaces, process defaults, seccomp). */
    static final String SPEC_FILE = "spec.json";

    private final RuntimeContext ctx;

    CreateContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    ContainerRecord execute(String id, Path bundle, CreateOptions options) {
        ContainerIds.check(id);
        Path bundleDir = bundle.toAbsolutePath().normalize();
        Path config = bundleDir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new InvalidArgumentException("bundle " + bundleDir + ": no config.json");
        }
        Spec spec = SpecIO.read(config);
        return execute(id, spec, bundleDir, options, List.of());
    }

    /** The helper's own stdio: the caller's where the container inherits it ("-"), else nothing. */
    static Redirect redirect(CreateOptions options, int fd) {
        boolean inherit = options.stdio() != null && "-".equals(options.stdio().get(fd));
        if (inherit) {
            return Redirect.INHERIT;
        }
        return fd == 0 ? Redirect.from(new java.io.File("/dev/null")) : Redirect.DISCARD;
    }

    /** Longest path a Unix socket can be bound at (sun_path is 108 bytes with its NUL). */
    private static final int MAX_SOCKET_PATH = 107;

    /** The monitor's sockets live in the state directory: a root too deep cannot hold them. */
    private static boolean notEmpty(List<?> hooks) {
        return hooks != null && !hooks.isEmpty();
    }

    private static void checkSocketPath(Path dir) {
        String longest = dir.toAbsolutePath().resolve("attach.sock").toString();
        if (longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new InvalidArgumentException("state directory " + dir + " is too long for the monitor's sockets ("
                    + longest.length() + " bytes, at most " + MAX_SOCKET_PATH + "): use a shorter state root");
        }
    }

    ContainerRecord execute(String id, Spec spec, Path bundleDir, CreateOptions options,
                            List<io.peapod.image.snapshot.Mount> rootfsMounts) {
        SpecValidator.validate(spec, bundleDir);
        if (options.startNow() && spec.hooks != null && (notEmpty(spec.hooks.prestart)
                || notEmpty(spec.hooks.createRuntime) || notEmpty(spec.hooks.createContainer)
                || notEmpty(spec.hooks.startContainer))) {
            throw new InvalidArgumentException("container " + id + ": its hooks must run between create and start, "
                    + "so it cannot be started at once");
        }
        Path rootfs = bundleDir.resolve(spec.root.path).normalize();
        checkSocketPath(ctx.store().directoryOf(id));
        try (Undo undo = new Undo()) {
            Path dir = ctx.store().reserve(id);
            undo.push(() -> ctx.store().remove(id));
            String cgroupPath = ctx.cgroupPathFor(id, spec.linux().cgroupsPath);
            ContainerRecord record = new ContainerRecord(id, bundleDir.toString(), rootfs.toString(),
                    ContainerStatus.CREATING, 0, 0, 0, cgroupPath, Instant.now().toString(), null, null, null, null,
                    System.getProperty("user.name"), spec.annotations);
            ctx.store().save(record);
            SpecIO.write(spec, dir.resolve(SPEC_FILE));

            CgroupManager cgroup = ctx.cgroups().apply(cgroupPath);
            boolean existed = cgroup.exists();
            try {
                cgroup.create(ResourcesToCgroup.translate(spec.linux().resources));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("container " + id + ": linux.resources: " + e.getMessage());
            } catch (CgroupException e) {
                throw new CgroupException("container " + id + ": " + e.getMessage(), e);
            }
            if (!existed) {
                undo.push(cgroup::destroy);
            }

            SpecToPlan translator = new SpecToPlan(ctx.limits());
            List<Path> procs = cgroup.procsFiles();
            Plan plan = translator.translate(id, spec, rootfs, bundleDir, dir, procs, options, rootfsMounts);
            for (String warning : translator.warnings()) {
                LOG.warn("container {}: {}", id, warning);
            }
            Path planFile = dir.resolve("plan");
            plan.write(planFile);
            Created created = ctx.helper().create(planFile, redirect(options, 0), redirect(options, 1),
                    redirect(options, 2));
            long startTime = ProcStat.startTime(created.pid());
            record = record.withProcess(created.pid(), startTime, created.monitorPid());
            ctx.store().save(record);
            undo.push(() -> killCreated(created.pid(), startTime));
            // the container process exists and waits for start: the create hooks' moment
            HookRunner.run(spec, HookRunner.Stage.PRESTART, record, "creating");
            HookRunner.run(spec, HookRunner.Stage.CREATE_RUNTIME, record, "creating");
            HookRunner.run(spec, HookRunner.Stage.CREATE_CONTAINER, record, "creating");
            if (options.startNow()) {
                // the helper reported after a successful execve: the container runs
                record = record.withStarted(Instant.now().toString());
                ctx.store().save(record);
                undo.commit();
                LOG.info("container {} created and started, pid {}", id, created.pid());
                HookRunner.runLogged(spec, HookRunner.Stage.POSTSTART, record, "running");
                return record;
            }
            record = record.withStatus(ContainerStatus.CREATED);
            ctx.store().save(record);
            undo.commit();
            LOG.info("container {} created, pid {}", id, created.pid());
            return record;
        }
    }

    /** Undo of a created process: SIGKILL, and wait until it is gone so its cgroup can go too. */
    private void killCreated(int pid, long startTime) {
        if (!ProcStat.isAlive(pid, startTime)) {
            return;
        }
        ctx.helper().kill(pid, 9);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcStat.isAlive(pid, startTime) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
