package io.peapod.cli.bench;

import io.peapod.image.registry.RegistryConfig;
import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.network.CniOptions;
import io.peapod.runtime.pod.SandboxConfig;
import io.peapod.runtime.pod.SandboxRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peapod bench pods}: pod sandbox create-to-ready latency through the Java API
 * (no gRPC), loopback-only and on a CNI bridge, serially and with several at a time, on
 * a scratch root; then the pods' memory (infra processes and their monitors).
 */
@Command(name = "pods", description = "Pod sandbox create-to-ready latency through the Java API.")
public final class BenchPods implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "100", description = "pods per mode (default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--parallel", defaultValue = "10", description = "pods created at a time in the parallel "
            + "mode (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--bridge", description = "also measure with the CNI bridge plugin (from /usr/lib/cni or "
            + "/opt/cni/bin) on a scratch bridge and subnet")
    boolean bridge;

    @Override
    public Integer call() throws Exception {
        List<Samples> table = new ArrayList<>();
        List<String> memory = new ArrayList<>();
        measure("loopback", null, table, memory);
        if (bridge) {
            String name = "ppb" + Long.toString(System.nanoTime() % 100000, 36);
            try {
                measure("bridge CNI", bridgeConfig(name), table, memory);
            } finally {
                // the bridge plugin leaves its bridge behind on DEL, as it does for the kubelet
                new ProcessBuilder("ip", "link", "del", name).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        }
        System.out.println(Samples.header());
        table.forEach(s -> System.out.println(s.row()));
        memory.forEach(System.out::println);
        return 0;
    }

    private void measure(String network, String conflist, List<Samples> table, List<String> memory) throws Exception {
        Path work = io.peapod.runtime.util.ShortTempDirs.create();
        String cgroupParent = "peapod-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Path conf = Files.createDirectories(work.resolve("cni"));
        if (conflist != null) {
            Files.writeString(conf.resolve("10-bench.conflist"), conflist.replace("@DATADIR@",
                    work.resolve("ipam").toString()));
        }
        EngineConfig config = new EngineConfig(work.resolve("r"), work.resolve("s"),
                new CniOptions(conf, CniOptions.DEFAULT_BIN_DIRS, work.resolve("r/cni"), Duration.ofSeconds(30)),
                new RegistryConfig(), cgroupParent);
        try (Engine engine = Engine.open(config)) {
            try {
                for (int i = 0; i < 3; i++) {
                    engine.pods().remove(engine.pods().run(config("warm")).id());
                }
                Samples serial = new Samples("RunPodSandbox " + network + " (serial)");
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    SandboxRecord r = engine.pods().run(config("s"));
                    serial.add(System.nanoTime() - t0);
                    engine.pods().remove(r.id());
                }
                table.add(serial);
                Samples concurrent = new Samples("RunPodSandbox " + network + " (" + parallel + " at a time)");
                ExecutorService pool = Executors.newFixedThreadPool(parallel);
                List<Future<String>> started = new ArrayList<>();
                try {
                    for (int i = 0; i < runs; i++) {
                        started.add(pool.submit(() -> {
                            long t0 = System.nanoTime();
                            SandboxRecord r = engine.pods().run(config("p"));
                            long ns = System.nanoTime() - t0;
                            synchronized (concurrent) {
                                concurrent.add(ns);
                            }
                            return r.id();
                        }));
                    }
                    for (Future<String> f : started) {
                        f.get();
                    }
                } finally {
                    pool.shutdown();
                }
                table.add(concurrent);
                long ready = engine.pods().list().stream()
                        .filter(p -> p.state() == io.peapod.runtime.pod.SandboxState.READY).count();
                long kb = 0;
                for (var c : engine.containers().list()) {
                    kb += BenchCri.rssKb(c.pid()) + BenchCri.rssKb(c.monitorPid());
                }
                memory.add(String.format("%s: %d of %d pods ready; infra + monitor RSS per pod %.1f KiB", network,
                        ready, runs, kb / (double) Math.max(1, ready)));
            } finally {
                for (var p : engine.pods().list()) {
                    engine.pods().remove(p.id());
                }
                engine.pods().context().pinner().releaseRunDirs();
                CgroupManagers.forPath(cgroupParent).destroy();
            }
        } finally {
            io.peapod.runtime.util.FileTrees.delete(work);
        }
    }

    private static SandboxConfig config(String prefix) {
        String uid = UUID.randomUUID().toString();
        return SandboxConfig.of(prefix + "-" + uid.substring(0, 8), "bench", uid);
    }

    /** A bridge network on a scratch bridge and a 10.x /24 only this run uses. */
    private static String bridgeConfig(String bridgeName) {
        int third = 100 + (int) (Math.random() * 100);
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"peapod-bench\",\"plugins\":[{\"type\":\"bridge\","
                + "\"bridge\":\"" + bridgeName + "\",\"isGateway\":true,\"ipMasq\":false,\"ipam\":{\"type\":"
                + "\"host-local\",\"dataDir\":\"@DATADIR@\",\"ranges\":[[{\"subnet\":\"10.233." + third
                + ".0/24\"}]]}}]}";
    }

}
