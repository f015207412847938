package io.peapod.cli.serve;

import io.peapod.cli.remote.CommandClient;
import io.peapod.cli.remote.CommandServer;
import io.peapod.cli.remote.DaemonHost;
import io.peapod.cri.CriServer;
import io.peapod.cri.GetVersion;
import io.peapod.cri.ImageServiceImpl;
import io.peapod.cri.RuntimeServiceImpl;
import io.peapod.cri.StreamingHandler;
import io.peapod.cri.streaming.StreamingServer;
import io.peapod.cri.streaming.StreamingService;
import io.peapod.cri.service.CriContainers;
import io.peapod.cri.service.CriEvents;
import io.peapod.cri.service.CriImages;
import io.peapod.cri.service.CriPodSandboxes;
import io.peapod.cri.service.CriRuntimeStatus;
import io.peapod.cri.service.CriStats;
import io.peapod.cri.service.ExitWatcher;
import io.peapod.cri.translate.ResourceTranslator;
import io.peapod.kube.PodRunner;
import io.peapod.kube.StaticPods;
import io.peapod.runtime.Engine;
import io.peapod.runtime.spec.LinuxResources;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code peapod serve}: the CRI daemon on a Unix socket. */
@Command(name = "serve", description = "Serve the Kubernetes CRI (v1) on a Unix socket.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "configuration file (default /etc/peapod/config.yaml)")
    Path config;

    @Option(names = "--root", description = "persistent state directory (default /var/lib/peapod)")
    Path root;

    @Option(names = "--state", description = "volatile state directory (default /run/peapod)")
    Path state;

    @Option(names = "--socket", description = "CRI socket path (default <state>/peapod.sock)")
    Path socket;

    @Option(names = "--cni-conf-dir", description = "CNI network configurations")
    Path cniConfDir;

    @Option(names = "--cni-bin-dir", description = "CNI plugin directories (repeatable)")
    List<Path> cniBinDirs;

    @Option(names = "--cgroup-parent", description = "cgroup for peapod's own pods and containers")
    String cgroupParent;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error")
    String logLevel;

    @Option(names = "--manifests", description = "run every Kubernetes Pod manifest in this directory as a "
            + "static pod: a changed file replaces its pod, a removed file stops it")
    Path manifests;

    /** Runs until SIGTERM or SIGINT; returns 0 after a graceful shutdown. */
    @Override
    public Integer call() throws Exception {
        ServeConfig c = ServeConfig.load(config == null ? ServeConfig.DEFAULT_FILE : config, config != null);
        if (root != null) {
            c.root = root;
        }
        if (state != null) {
            c.state = state;
        }
        if (socket != null) {
            c.socket = socket;
        }
        if (cniConfDir != null) {
            c.cniConfDir = cniConfDir;
        }
        if (cniBinDirs != null && !cniBinDirs.isEmpty()) {
            c.cniBinDirs = cniBinDirs;
        }
        if (cgroupParent != null) {
            c.cgroupParent = cgroupParent;
        }
        if (logLevel != null) {
            c.logLevel = logLevel;
        }
        // before the first logger exists
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", c.logLevel);
        try (Engine engine = Engine.open(c.engineConfig()); CriEvents events = new CriEvents()) {
            for (String repair : engine.reconcile()) {
                org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("recovery: {}", repair);
            }
            Daemon daemon = Daemon.start(engine, events, c.socket(),
                    StreamingServer.parseAddress(c.streamingAddress));
            StaticPods statics = null;
            if (manifests != null) {
                statics = new StaticPods(engine, manifests, PodRunner.Options.defaults(), Duration.ofSeconds(2));
                statics.start();
                daemon.commandHost().staticPods(statics);
                StaticPods running = statics;
                Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "peapod-static-pods"));
            }
            daemon.awaitTermination();
        }
        return 0;
    }

    /** The running server and its helpers; also used by tests to run a daemon in-process. */
    public static final class Daemon {
        private final CriServer server;
        private final ExitWatcher watcher;
        private final CriEvents events;
        private final StreamingServer streaming;
        private final DaemonHost commandHost;
        private final CommandServer commands;
        private final java.util.concurrent.atomic.AtomicBoolean stopped =
                new java.util.concurrent.atomic.AtomicBoolean();

        private Daemon(CriServer server, ExitWatcher watcher, CriEvents events, StreamingServer streaming,
                       DaemonHost commandHost, CommandServer commands) {
            this.server = server;
            this.watcher = watcher;
            this.events = events;
            this.streaming = streaming;
            this.commandHost = commandHost;
            this.commands = commands;
        }

        /** Runs the {@code peapod} commands of clients on this daemon's engine. */
        public DaemonHost commandHost() {
            return commandHost;
        }

        /** Where {@code peapod} clients reach this daemon: {@code <state>/cli.sock}. */
        public Path commandSocket() {
            return commands.socket();
        }

        public String streamingUrl() {
            return streaming.baseUrl();
        }

        public Path socket() {
            return server.socket();
        }

        /** A daemon whose streaming server listens on a free loopback port. */
        public static Daemon start(Engine engine, CriEvents events, Path socket) {
            return start(engine, events, socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }

        public static Daemon start(Engine engine, CriEvents events, Path socket, InetSocketAddress streamingAddress) {
            StreamingServer streamingServer = StreamingServer.start(streamingAddress, engine.containers());
            StreamingHandler streaming = new StreamingService(streamingServer, engine.containers(), engine.pods());
            CriContainers containers = new CriContainers(engine, events);
            events.decorateWith(b -> {
                try {
                    b.addContainersStatuses(containers.statuses().status(b.getContainerId()));
                } catch (RuntimeException ignored) {
                    // not a CRI container (a pod's infra) or already gone: the event carries its id only
                }
            });
            CriPodSandboxes pods = new CriPodSandboxes(engine, events, ServeCommand::resources);
            RuntimeServiceImpl runtime = new RuntimeServiceImpl(GetVersion.fromBuild(), pods, containers, streaming,
                    new CriStats(engine, containers), new CriRuntimeStatus(engine), events);
            CriServer server = new CriServer(socket, runtime, new ImageServiceImpl(new CriImages(engine)));
            server.start();
            ExitWatcher watcher = new ExitWatcher(engine, events).start(1000);
            DaemonHost host = new DaemonHost(engine);
            CommandServer commands = CommandServer.start(
                    engine.config().state().resolve(CommandClient.SOCKET_NAME), host);
            Daemon daemon = new Daemon(server, watcher, events, streamingServer, host, commands);
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "peapod-shutdown"));
            return daemon;
        }

        public void awaitTermination() throws InterruptedException {
            server.awaitTermination();
            watcher.close();
        }

        /**
         * Graceful: event streams end first, so that the server need not wait for them. Once
         * only: a caller's stop and the shutdown hook's may both come.
         */
        public void stop() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            commands.close();
            commandHost.detachAll();
            watcher.close();
            events.close();
            server.shutdown(Duration.ofSeconds(10));
            streaming.close();
        }
    }

    private static LinuxResources resources(io.peapod.cri.v1.LinuxContainerResources r) {
        LinuxResources out = new LinuxResources();
        ResourceTranslator.apply("pod sandbox", r, out);
        return out;
    }
}
