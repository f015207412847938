package io.peapod.cli.bench;

import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.container.RuntimeContext;
import io.peapod.runtime.spec.DefaultSpec;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peapod bench oci}: create+start+wait+delete of one short-lived container,
 * through the Java API, through {@code peapod oci run} (JVM start included) and through
 * the peers (runc, crun), in alternating order within one run so that the machine's
 * noise hits all of them alike.
 */
@Command(name = "oci", description = "Container lifecycle latency against runc and crun.")
public final class BenchOci implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "50", description = "iterations (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--bundle", description = "bundle to run (default: a busybox bundle running /bin/true)")
    Path bundle;

    @Option(names = "--peer", description = "peer runtimes to compare with (default runc, crun)",
            split = ",", defaultValue = "runc,crun")
    List<String> peers;

    @Option(names = "--cli", description = "the peapod launcher to time `oci run` with (default ./peapod)",
            defaultValue = "./peapod")
    Path cli;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("peapod-bench-");
        try {
            Path b = bundle != null ? bundle : busyboxBundle(work.resolve("bundle"));
            Path state = work.resolve("state");
            ContainerRuntime rt = new ContainerRuntime(RuntimeContext.forHost(state));
            List<Samples> all = new ArrayList<>();
            Samples api = new Samples("peapod Java API");
            all.add(api);
            Samples viaCli = Files.isExecutable(cli) ? new Samples("peapod oci run (JVM incl.)") : null;
            if (viaCli != null) {
                all.add(viaCli);
            }
            List<Samples> peerSamples = new ArrayList<>();
            for (String p : peers) {
                if (Files.isExecutable(Path.of("/usr/bin", p)) || Files.isExecutable(Path.of("/usr/sbin", p))) {
                    Samples s = new Samples(p + " run");
                    peerSamples.add(s);
                    all.add(s);
                }
            }
            // warm-up, not counted
            for (int i = 0; i < 3; i++) {
                apiRun(rt, b, "warm" + i);
            }
            for (int i = 0; i < runs; i++) {
                api.add(apiRun(rt, b, "api" + i));
                if (viaCli != null) {
                    viaCli.add(command(List.of(cli.toString(), "oci", "--root", work.resolve("cli").toString(),
                            "run", "--bundle", b.toString(), "cli" + i)));
                }
                for (Samples s : peerSamples) {
                    String peer = s.name().split(" ")[0];
                    s.add(command(peerCommand(peer, work.resolve(peer).toString(), b.toString(), peer + i)));
                }
            }
            System.out.println(Samples.header());
            for (Samples s : all) {
                System.out.println(s.row());
            }
            return 0;
        } finally {
            io.peapod.runtime.util.FileTrees.delete(work);
        }
    }

    private static long apiRun(ContainerRuntime rt, Path b, String id) {
        long t0 = System.nanoTime();
        rt.create(id, b, CreateOptions.detached());
        rt.start(id);
        rt.waitFor(id, Duration.ofSeconds(30)).orElseThrow();
        rt.delete(id, false);
        return System.nanoTime() - t0;
    }

    /** crun refuses the hybrid cgroup layout: give it a private mount namespace without cgroup2. */
    static List<String> peerCommand(String peer, String root, String bundle, String id) {
        List<String> cmd = List.of(peer, "--root", root, "run", "--bundle", bundle, id);
        if (peer.equals("crun") && Files.isDirectory(Path.of("/sys/fs/cgroup/unified"))
                && !Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
            return List.of("unshare", "-m", "sh", "-c",
                    "umount /sys/fs/cgroup/unified 2>/dev/null; exec " + String.join(" ", cmd));
        }
        return cmd;
    }

    private static long command(List<String> cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int rc = p.waitFor();
        long ns = System.nanoTime() - t0;
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc);
        }
        return ns;
    }

    static Path busyboxBundle(Path dir) throws IOException {
        BusyboxRootfs.populate(dir.resolve("rootfs"), "or pass --bundle");
        Spec spec = DefaultSpec.create(false);
        spec.process.terminal = false;
        spec.process.args = List.of("/bin/true");
        // the peers' versions on a stable distribution predate runtime-spec 1.2; this bundle needs nothing newer
        spec.ociVersion = "1.0.2";
        SpecIO.write(spec, dir.resolve("config.json"));
        return dir;
    }

}
