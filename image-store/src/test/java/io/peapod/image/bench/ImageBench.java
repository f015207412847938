package io.peapod.image.bench;

import io.peapod.image.Image;
import io.peapod.image.ImageService;
import io.peapod.image.ProgressListener;
import io.peapod.image.content.LocalContentStore;
import io.peapod.image.registry.RegistryClient;
import io.peapod.image.registry.RegistryConfig;
import io.peapod.image.snapshot.OverlaySnapshotter;
import io.peapod.image.spec.MediaTypes.Compression;
import io.peapod.image.spec.Platform;
import io.peapod.image.store.ImageStore;
import io.peapod.image.unpack.LayerUnpacker;
import io.peapod.sys.LinuxSyscalls;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Benchmarks for the closing note (run by hand, not by the build):
 * <pre>
 *   unpack LAYER none|gzip WORKDIR N     in-process unpack, N timed runs after 2 warm-ups
 *   unpack-once LAYER none|gzip DIR      one unpack (for hyperfine, JVM start included)
 *   pull REF WORKDIR N                   in-process pull without unpack into fresh stores
 *   pull-once REF DIR                    one pull (for hyperfine)
 *   heap REF DIR                         one pull; prints the peak heap
 * </pre>
 */
public final class ImageBench {
    private ImageBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "unpack" -> timed(Integer.parseInt(args[4]), i -> unpack(Path.of(args[1]), args[2],
                    Path.of(args[3]).resolve("u" + i)));
            case "unpack-nometa" -> {
                noMeta = true;
                timed(Integer.parseInt(args[4]), i -> unpack(Path.of(args[1]), args[2], Path.of(args[3]).resolve("u" + i)));
            }
            case "unpack-once" -> unpack(Path.of(args[1]), args[2], Path.of(args[3]));
            case "pull" -> timed(Integer.parseInt(args[3]), i -> pull(args[1], Path.of(args[2]).resolve("p" + i)));
            case "pull-once" -> pull(args[1], Path.of(args[2]));
            case "heap" -> heap(args[1], Path.of(args[2]));
            default -> throw new IllegalArgumentException("unknown benchmark " + args[0]);
        }
        System.exit(0);
    }

    static boolean noMeta;

    /** Experiment: the unpacker without ownership, mode and time syscalls, to see what they cost. */
    static final io.peapod.sys.Syscalls NO_META = (io.peapod.sys.Syscalls) java.lang.reflect.Proxy.newProxyInstance(
            ImageBench.class.getClassLoader(), new Class<?>[] {io.peapod.sys.Syscalls.class}, (proxy, m, a) -> {
                switch (m.getName()) {
                    case "lchown", "chmod", "lutimes":
                        return null;
                    default:
                        return m.invoke(LinuxSyscalls.get(), a);
                }
            });

    interface Run {
        void run(int i) throws Exception;
    }

    static void timed(int n, Run run) throws Exception {
        for (int i = 0; i < 2; i++) {
            run.run(-1 - i);
        }
        List<Double> ms = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int i = 0; i < n; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            run.run(i);
            ms.add((System.nanoTime() - t0) / 1e6);
            cpu.add((os.getProcessCpuTime() - c0) / 1e6);
        }
        Collections.sort(ms);
        Collections.sort(cpu);
        System.out.printf(Locale.ROOT, "cpu (user+sys, all threads): median=%.1f ms p90=%.1f ms%n",
                cpu.get(cpu.size() / 2), cpu.get((int) Math.ceil(0.9 * cpu.size()) - 1));
        double median = ms.size() % 2 == 1 ? ms.get(ms.size() / 2)
                : (ms.get(ms.size() / 2 - 1) + ms.get(ms.size() / 2)) / 2;
        double p90 = ms.get((int) Math.ceil(0.9 * ms.size()) - 1);
        System.out.printf(Locale.ROOT, "runs=%d median=%.1f ms p90=%.1f ms min=%.1f ms max=%.1f ms%n", n, median, p90,
                ms.get(0), ms.get(ms.size() - 1));
    }

    static void unpack(Path layer, String compression, Path dir) throws IOException, InterruptedException {
        rm(dir);
        Files.createDirectories(dir);
        Compression c = compression.equals("gzip") ? Compression.GZIP : Compression.NONE;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(layer), 1 << 20)) {
            new LayerUnpacker(noMeta ? NO_META : LinuxSyscalls.get()).unpack(in, c, dir, null, List.of());
        }
    }

    static Image pull(String ref, Path root) throws IOException, InterruptedException {
        rm(root);
        RegistryClient client = new RegistryClient(new RegistryConfig().authFile(null));
        try {
            ImageService s = new ImageService(new LocalContentStore(root.resolve("content")),
                    new OverlaySnapshotter(root.resolve("snapshots")), new ImageStore(root.resolve("images")), client,
                    LinuxSyscalls.get(), Platform.LINUX_AMD64, id -> false, root.resolve("tmp"));
            return s.pull(ref, Platform.LINUX_AMD64, false, ProgressListener.NONE);
        } finally {
            client.close();
        }
    }

    static void heap(String ref, Path root) throws Exception {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        long t0 = System.nanoTime();
        pull(ref, root);
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "pull took %.1f s; peak heap (sum of pool peaks) %.1f MiB; max heap %.0f MiB%n",
                (System.nanoTime() - t0) / 1e9, peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    static void rm(Path p) throws IOException, InterruptedException {
        if (Files.exists(p)) {
            new ProcessBuilder("rm", "-rf", p.toString()).inheritIO().start().waitFor();
        }
    }
}
