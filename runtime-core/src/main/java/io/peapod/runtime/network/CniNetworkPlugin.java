package io.peapod.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.errors.PeapodException;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod networking through CNI plugins (spec 1.0, older result shapes read too). The
 * network is the first loadable config of the config directory (see
 * {@link CniConfigDir}); plugins are executables named by their {@code type}, looked
 * up in the plugin directories in order.
 *
 * <p>ADD runs the chain in order, each plugin getting the previous one's result; a
 * failure runs DEL over the whole chain and reports the failing plugin's error. DEL
 * runs the chain in reverse with the cached ADD result. What ADD used is cached under
 * the cache directory before the first plugin runs (see {@link CniResultCache}); no
 * entry means this runtime never started an ADD for the sandbox, so there is nothing
 * to delete.
 */
public final class CniNetworkPlugin implements NetworkPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(CniNetworkPlugin.class);
    private static final String SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ExecutorService DRAIN = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cni-plugin-output");
        t.setDaemon(true);
        return t;
    });

    private final CniOptions options;
    private final CniResultCache cache;
    private final Syscalls sys;

    public CniNetworkPlugin(CniOptions options) {
        this(options, LinuxSyscalls.get());
    }

    CniNetworkPlugin(CniOptions options, Syscalls sys) {
        this.options = options;
        this.cache = new CniResultCache(options.cacheDir());
        this.sys = sys;
    }

    public CniOptions options() {
        return options;
    }

    /** The network pods are attached to now, if the config directory has one. */
    public Optional<CniNetworkConfig> network() {
        return CniConfigDir.defaultNetwork(options.confDir());
    }

    @Override
    public PodNetworkStatus setUp(PodNetworkRequest request) {
        CniNetworkConfig network = network().orElseThrow(() -> new FailedPreconditionException(
                "no CNI network config (.conflist, .conf, .json) in " + options.confDir()));
        if (request.netns() == null || !NamespacePinner.isNamespaceFile(sys, request.netns())) {
            throw new InvalidArgumentException("network namespace " + request.netns() + " of sandbox "
                    + request.sandboxId() + " is not a pinned namespace");
        }
        List<ObjectNode> plugins = network.plugins();
        List<Path> binaries = new ArrayList<>();
        for (ObjectNode plugin : plugins) {
            binaries.add(findPlugin(plugin.get("type").asText(), network.name()));
        }
        String ifName = PodNetworkRequest.INTERFACE_NAME;
        String cniArgs = CniInvocation.cniArgs(request);
        // validate the identity before anything is recorded or run
        CniInvocation.environment("ADD", request.sandboxId(), request.netns().toString(), ifName, cniArgs,
                options.binDirs());
        ObjectNode capabilityArgs = CniInvocation.capabilityArgs(request);
        CniResultCache.Entry previous = cache.load(request.sandboxId(), ifName);
        if (previous != null && previous.result() != null) {
            throw new AlreadyExistsException("sandbox " + request.sandboxId() + " is attached to CNI network "
                    + previous.conflist().path("name").asText() + " already; tear it down first");
        }
        if (previous != null) {
            // an ADD that never finished (the daemon died): undo what it may have done
            delete(previous, request.netns());
        }
        CniResultCache.Entry pending = new CniResultCache.Entry(request.sandboxId(), ifName, network.toConflist(),
                cniArgs, capabilityArgs, null);
        cache.save(pending);
        JsonNode result = null;
        try {
            for (int i = 0; i < plugins.size(); i++) {
                result = invoke("ADD", network, plugins.get(i), binaries.get(i), request.sandboxId(),
                        request.netns().toString(), ifName, cniArgs, capabilityArgs, result);
                if (result == null || !result.isObject()) {
                    throw new CniException("ADD", plugins.get(i).get("type").asText(), network.name(),
                            CniException.NO_ERROR_OBJECT, "printed no result", "");
                }
            }
        } catch (RuntimeException e) {
            try {
                delete(pending, request.netns());
            } catch (RuntimeException cleanup) {
                LOG.warn("DEL after the failed ADD of sandbox {} failed too; the cache entry stays for a later "
                        + "tearDown: {}", request.sandboxId(), cleanup.getMessage());
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        cache.save(new CniResultCache.Entry(request.sandboxId(), ifName, pending.conflist(), cniArgs, capabilityArgs,
                result));
        PodNetworkStatus status = CniResults.toStatus(network.name(), result);
        LOG.info("sandbox {} attached to CNI network {}: {}", request.sandboxId(), network.name(),
                status.ips().stream().map(PodNetworkStatus.PodIp::address).collect(Collectors.joining(", ")));
        return status;
    }

    /** Whether an ADD for the sandbox was started and not yet deleted. */
    public boolean isAttached(String sandboxId) {
        return cache.load(sandboxId, PodNetworkRequest.INTERFACE_NAME) != null;
    }

    @Override
    public void tearDown(PodNetworkRequest request) {
        CniResultCache.Entry entry = cache.load(request.sandboxId(), PodNetworkRequest.INTERFACE_NAME);
        if (entry == null) {
            LOG.debug("sandbox {} has no CNI attachment to remove", request.sandboxId());
            return;
        }
        delete(entry, request.netns());
        LOG.info("sandbox {} detached from its CNI network", request.sandboxId());
    }

    @Override
    public void check(PodNetworkRequest request) {
        CniResultCache.Entry entry = cache.load(request.sandboxId(), PodNetworkRequest.INTERFACE_NAME);
        if (entry == null || entry.result() == null) {
            throw new NotFoundException("sandbox " + request.sandboxId() + " has no CNI attachment to check");
        }
        CniNetworkConfig network = cachedNetwork(entry);
        if (!network.supportsCheck() || network.disableCheck()) {
            LOG.debug("CNI network {} (version {}) does not check", network.name(), network.cniVersion());
            return;
        }
        if (request.netns() == null || !NamespacePinner.isNamespaceFile(sys, request.netns())) {
            throw new FailedPreconditionException("network namespace " + request.netns() + " of sandbox "
                    + request.sandboxId() + " is gone");
        }
        for (ObjectNode plugin : network.plugins()) {
            Path binary = findPlugin(plugin.get("type").asText(), network.name());
            invoke("CHECK", network, plugin, binary, entry.containerId(), request.netns().toString(), entry.ifName(),
                    entry.cniArgs(), entry.capabilityArgs(), entry.result());
        }
    }

    @Override
    public NetworkReadiness status() {
        Optional<CniNetworkConfig> network = network();
        if (network.isEmpty()) {
            return NetworkReadiness.notReady("NetworkPluginNotReady",
                    "no CNI network config (.conflist, .conf, .json) in " + options.confDir());
        }
        for (String type : network.get().pluginTypes()) {
            if (lookUp(type).isEmpty()) {
                return NetworkReadiness.notReady("NetworkPluginNotReady", "CNI plugin \"" + type + "\" of network "
                        + network.get().name() + " is not in " + binDirsText());
            }
        }
        return NetworkReadiness.isReady();
    }

    private CniNetworkConfig cachedNetwork(CniResultCache.Entry entry) {
        try {
            return CniNetworkConfig.parse(CniNetworkConfig.JSON.writeValueAsBytes(entry.conflist()), true,
                    cache.file(entry.containerId(), entry.ifName()).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** DEL in reverse order with the cached result; the entry goes once every plugin succeeded. */
    private void delete(CniResultCache.Entry entry, Path netns) {
        CniNetworkConfig network = cachedNetwork(entry);
        // plugins tolerate an empty CNI_NETNS on DEL, not a path that is no namespace any more
        String netnsArg = netns != null && NamespacePinner.isNamespaceFile(sys, netns) ? netns.toString() : "";
        JsonNode prevResult = CniNetworkConfig.compareVersions(network.cniVersion(), "0.4.0") >= 0
                ? entry.result() : null;
        List<ObjectNode> plugins = network.plugins();
        Collections.reverse(plugins);
        RuntimeException first = null;
        for (ObjectNode plugin : plugins) {
            try {
                Path binary = findPlugin(plugin.get("type").asText(), network.name());
                invoke("DEL", network, plugin, binary, entry.containerId(), netnsArg, entry.ifName(), entry.cniArgs(),
                        entry.capabilityArgs(), prevResult);
            } catch (RuntimeException e) {
                // keep deleting: one plugin's failure must not leak what the others hold
                LOG.warn("CNI DEL of sandbox {}: {}", entry.containerId(), e.getMessage());
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        cache.delete(entry.containerId(), entry.ifName());
    }

    private JsonNode invoke(String command, CniNetworkConfig network, ObjectNode plugin, Path binary,
            String containerId, String netns, String ifName, String cniArgs, JsonNode capabilityArgs,
            JsonNode prevResult) {
        String type = plugin.get("type").asText();
        Map<String, String> cniEnv = CniInvocation.environment(command, containerId, netns, ifName, cniArgs,
                options.binDirs());
        byte[] stdin;
        try {
            stdin = CniNetworkConfig.JSON.writeValueAsBytes(
                    CniInvocation.pluginInput(network, plugin, prevResult, capabilityArgs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.debug("CNI {} {} for {} (netns {})", command, type, containerId, netns);
        return execute(command, type, network.name(), binary, cniEnv, stdin);
    }

    private JsonNode execute(String command, String type, String network, Path binary, Map<String, String> cniEnv,
            byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> env = pb.environment();
        env.putAll(cniEnv);
        // plugins run iptables, ip and friends by name
        String path = env.get("PATH");
        env.put("PATH", path == null || path.isEmpty() ? SAFE_PATH : path + ":" + SAFE_PATH);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CniException(command, type, network, CniException.NO_ERROR_OBJECT,
                    "cannot execute " + binary + ": " + e.getMessage(), "");
        }
        Future<byte[]> out = DRAIN.submit(() -> process.getInputStream().readAllBytes());
        Future<byte[]> err = DRAIN.submit(() -> process.getErrorStream().readAllBytes());
        try (OutputStream os = process.getOutputStream()) {
            os.write(stdin);
        } catch (IOException e) {
            // the plugin exited without reading its config; its exit status tells why
        }
        try {
            if (!process.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CniException(command, type, network, CniException.NO_ERROR_OBJECT,
                        "timed out after " + options.timeout().toSeconds() + "s", "");
            }
            byte[] stdout = out.get(10, TimeUnit.SECONDS);
            String stderr = new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (!stderr.isBlank()) {
                LOG.debug("CNI {} {} stderr: {}", command, type, stderr.strip());
            }
            if (process.exitValue() != 0) {
                throw CniResults.failure(command, type, network, process.exitValue(), stdout, stderr);
            }
            if (stdout.length == 0 || new String(stdout, StandardCharsets.UTF_8).isBlank()) {
                return null;
            }
            try {
                return CniNetworkConfig.JSON.readTree(stdout);
            } catch (IOException e) {
                throw new CniException(command, type, network, CniException.NO_ERROR_OBJECT,
                        "printed a result that is not JSON: " + e.getMessage(), "");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PeapodException("interrupted while CNI plugin " + type + " ran " + command, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new CniException(command, type, network, CniException.NO_ERROR_OBJECT,
                    "cannot read its output: " + e.getMessage(), "");
        }
    }

    private Path findPlugin(String type, String network) {
        return lookUp(type).orElseThrow(() -> new FailedPreconditionException("CNI plugin \"" + type
                + "\" of network " + network + " is not in " + binDirsText()));
    }

    private Optional<Path> lookUp(String type) {
        for (Path dir : options.binDirs()) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private String binDirsText() {
        return options.binDirs().stream().map(Path::toString).collect(Collectors.joining(", "));
    }
}
