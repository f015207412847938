package io.peapod.cri.service;

import io.peapod.cri.RuntimeStatusHandler;
import io.peapod.cri.v1.CgroupDriver;
import io.peapod.cri.v1.LinuxRuntimeConfiguration;
import io.peapod.cri.v1.RuntimeCondition;
import io.peapod.cri.v1.RuntimeConfigRequest;
import io.peapod.cri.v1.RuntimeConfigResponse;
import io.peapod.cri.v1.RuntimeFeatures;
import io.peapod.cri.v1.RuntimeHandler;
import io.peapod.cri.v1.RuntimeHandlerFeatures;
import io.peapod.cri.v1.RuntimeStatus;
import io.peapod.cri.v1.StatusRequest;
import io.peapod.cri.v1.StatusResponse;
import io.peapod.cri.v1.UpdateRuntimeConfigRequest;
import io.peapod.cri.v1.UpdateRuntimeConfigResponse;
import io.peapod.runtime.Engine;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.network.NetworkReadiness;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Status, RuntimeConfig and UpdateRuntimeConfig: what the kubelet checks before using the runtime. */
public final class CriRuntimeStatus implements RuntimeStatusHandler {
    /** The one runtime handler peapod offers. */
    public static final String HANDLER = "peapod";
    private static final Logger LOG = LoggerFactory.getLogger(CriRuntimeStatus.class);

    private final Engine engine;
    private volatile String podCidr = "";

    public CriRuntimeStatus(Engine engine) {
        this.engine = engine;
    }

    @Override
    public StatusResponse status(StatusRequest request) {
        boolean helper = Files.isExecutable(engine.containers().context().helper().binary());
        RuntimeCondition runtime = RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(helper)
                .setReason(helper ? "" : "HelperMissing")
                .setMessage(helper ? "" : "the peapod-helper binary is not executable").build();
        NetworkReadiness net = engine.network().status();
        RuntimeCondition network = RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(net.ready())
                .setReason(net.ready() ? "" : net.reason())
                .setMessage(net.ready() ? "" : net.message()).build();
        StatusResponse.Builder out = StatusResponse.newBuilder()
                .setStatus(RuntimeStatus.newBuilder().addConditions(runtime).addConditions(network))
                .addRuntimeHandlers(RuntimeHandler.newBuilder().setName(HANDLER)
                        // recursive read-only mounts need mount_setattr, which the helper does not do;
                        // pod user namespaces are not offered either: advertise neither
                        .setFeatures(RuntimeHandlerFeatures.newBuilder().setRecursiveReadOnlyMounts(false)
                                .setUserNamespaces(false)))
                .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(false));
        if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("root", engine.config().root().toString());
            info.put("state", engine.config().state().toString());
            info.put("cgroupLayout", CgroupManagers.layout().name());
            info.put("helper", engine.containers().context().helper().binary().toString());
            info.put("cniConfDir", engine.config().cni().confDir().toString());
            info.put("network", net.ready() ? "ready" : net.reason() + ": " + net.message());
            info.put("podCIDR", podCidr);
            out.putInfo("config", CriJson.toJson(info));
        }
        return out.build();
    }

    @Override
    public RuntimeConfigResponse runtimeConfig(RuntimeConfigRequest request) {
        return RuntimeConfigResponse.newBuilder().setLinux(LinuxRuntimeConfiguration.newBuilder()
                .setCgroupDriver(CgroupDriver.CGROUPFS)).build();
    }

    @Override
    public UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request) {
        String cidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
        if (!cidr.isEmpty()) {
            podCidr = cidr;
            LOG.info("pod CIDR is now {}", cidr);
        }
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
