package io.peapod.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.peapod.cri.v1.ContainerConfig;
import io.peapod.cri.v1.ContainerState;
import io.peapod.cri.v1.ContainerStatus;
import io.peapod.cri.v1.CriApi;
import io.peapod.cri.v1.ExecSyncResponse;
import io.peapod.cri.v1.ImageSpec;
import io.peapod.cri.v1.LinuxContainerResources;
import io.peapod.cri.v1.LinuxContainerSecurityContext;
import io.peapod.cri.v1.LinuxSandboxSecurityContext;
import io.peapod.cri.v1.Mount;
import io.peapod.cri.v1.MountPropagation;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.VersionResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire shape of the CRI messages a kubelet sends and reads most, as upstream
 * k8s.io/cri-api (runtime/v1) defines them: field name, number and type, in declaration order.
 * A failure here means api.proto no longer matches the kubelet's bytes.
 */
class CriWireCompatibilityTest {

    @Test
    void packageAndServicesAreUpstreams() {
        assertEquals("runtime.v1", CriApi.getDescriptor().getPackage());
        assertEquals("runtime.v1.RuntimeService",
                CriApi.getDescriptor().findServiceByName("RuntimeService").getFullName());
        assertEquals("runtime.v1.ImageService",
                CriApi.getDescriptor().findServiceByName("ImageService").getFullName());
    }

    @Test
    void runtimeServiceMethods() {
        assertEquals(List.of(
                "Version(VersionRequest)VersionResponse",
                "RunPodSandbox(RunPodSandboxRequest)RunPodSandboxResponse",
                "StopPodSandbox(StopPodSandboxRequest)StopPodSandboxResponse",
                "RemovePodSandbox(RemovePodSandboxRequest)RemovePodSandboxResponse",
                "PodSandboxStatus(PodSandboxStatusRequest)PodSandboxStatusResponse",
                "ListPodSandbox(ListPodSandboxRequest)ListPodSandboxResponse",
                "CreateContainer(CreateContainerRequest)CreateContainerResponse",
                "StartContainer(StartContainerRequest)StartContainerResponse",
                "StopContainer(StopContainerRequest)StopContainerResponse",
                "RemoveContainer(RemoveContainerRequest)RemoveContainerResponse",
                "ListContainers(ListContainersRequest)ListContainersResponse",
                "ContainerStatus(ContainerStatusRequest)ContainerStatusResponse",
                "UpdateContainerResources(UpdateContainerResourcesRequest)UpdateContainerResourcesResponse",
                "ReopenContainerLog(ReopenContainerLogRequest)ReopenContainerLogResponse",
                "ExecSync(ExecSyncRequest)ExecSyncResponse",
                "Exec(ExecRequest)ExecResponse",
                "Attach(AttachRequest)AttachResponse",
                "PortForward(PortForwardRequest)PortForwardResponse",
                "ContainerStats(ContainerStatsRequest)ContainerStatsResponse",
                "ListContainerStats(ListContainerStatsRequest)ListContainerStatsResponse",
                "PodSandboxStats(PodSandboxStatsRequest)PodSandboxStatsResponse",
                "ListPodSandboxStats(ListPodSandboxStatsRequest)ListPodSandboxStatsResponse",
                "UpdateRuntimeConfig(UpdateRuntimeConfigRequest)UpdateRuntimeConfigResponse",
                "Status(StatusRequest)StatusResponse",
                "CheckpointContainer(CheckpointContainerRequest)CheckpointContainerResponse",
                "GetContainerEvents(GetEventsRequest)stream ContainerEventResponse",
                "ListMetricDescriptors(ListMetricDescriptorsRequest)ListMetricDescriptorsResponse",
                "ListPodSandboxMetrics(ListPodSandboxMetricsRequest)ListPodSandboxMetricsResponse",
                "RuntimeConfig(RuntimeConfigRequest)RuntimeConfigResponse"),
                methods(CriApi.getDescriptor().findServiceByName("RuntimeService")));
    }

    @Test
    void imageServiceMethods() {
        assertEquals(List.of(
                "ListImages(ListImagesRequest)ListImagesResponse",
                "ImageStatus(ImageStatusRequest)ImageStatusResponse",
                "PullImage(PullImageRequest)PullImageResponse",
                "RemoveImage(RemoveImageRequest)RemoveImageResponse",
                "ImageFsInfo(ImageFsInfoRequest)ImageFsInfoResponse"),
                methods(CriApi.getDescriptor().findServiceByName("ImageService")));
    }

    @Test
    void containerConfig() {
        assertEquals(List.of(
                "metadata=1 ContainerMetadata",
                "image=2 ImageSpec",
                "command=3 repeated string",
                "args=4 repeated string",
                "working_dir=5 string",
                "envs=6 repeated KeyValue",
                "mounts=7 repeated Mount",
                "devices=8 repeated Device",
                "labels=9 map<string,string>",
                "annotations=10 map<string,string>",
                "log_path=11 string",
                "stdin=12 bool",
                "stdin_once=13 bool",
                "tty=14 bool",
                "linux=15 LinuxContainerConfig",
                "windows=16 WindowsContainerConfig",
                "CDI_devices=17 repeated CDIDevice"),
                fields(ContainerConfig.getDescriptor()));
    }

    @Test
    void podSandboxConfig() {
        assertEquals(List.of(
                "metadata=1 PodSandboxMetadata",
                "hostname=2 string",
                "log_directory=3 string",
                "dns_config=4 DNSConfig",
                "port_mappings=5 repeated PortMapping",
                "labels=6 map<string,string>",
                "annotations=7 map<string,string>",
                "linux=8 LinuxPodSandboxConfig",
                "windows=9 WindowsPodSandboxConfig"),
                fields(PodSandboxConfig.getDescriptor()));
    }

    @Test
    void linuxContainerSecurityContext() {
        assertEquals(List.of(
                "capabilities=1 Capability",
                "privileged=2 bool",
                "namespace_options=3 NamespaceOption",
                "selinux_options=4 SELinuxOption",
                "run_as_user=5 Int64Value",
                "run_as_group=12 Int64Value",
                "run_as_username=6 string",
                "readonly_rootfs=7 bool",
                "supplemental_groups=8 repeated int64",
                "supplemental_groups_policy=17 SupplementalGroupsPolicy",
                "no_new_privs=11 bool",
                "masked_paths=13 repeated string",
                "readonly_paths=14 repeated string",
                "seccomp=15 SecurityProfile",
                "apparmor=16 SecurityProfile",
                "apparmor_profile=9 string",
                "seccomp_profile_path=10 string"),
                fields(LinuxContainerSecurityContext.getDescriptor()));
    }

    @Test
    void linuxSandboxSecurityContext() {
        assertEquals(List.of(
                "namespace_options=1 NamespaceOption",
                "selinux_options=2 SELinuxOption",
                "run_as_user=3 Int64Value",
                "run_as_group=8 Int64Value",
                "readonly_rootfs=4 bool",
                "supplemental_groups=5 repeated int64",
                "supplemental_groups_policy=11 SupplementalGroupsPolicy",
                "privileged=6 bool",
                "seccomp=9 SecurityProfile",
                "apparmor=10 SecurityProfile",
                "seccomp_profile_path=7 string"),
                fields(LinuxSandboxSecurityContext.getDescriptor()));
    }

    @Test
    void containerStatus() {
        assertEquals(List.of(
                "id=1 string",
                "metadata=2 ContainerMetadata",
                "state=3 ContainerState",
                "created_at=4 int64",
                "started_at=5 int64",
                "finished_at=6 int64",
                "exit_code=7 int32",
                "image=8 ImageSpec",
                "image_ref=9 string",
                "reason=10 string",
                "message=11 string",
                "labels=12 map<string,string>",
                "annotations=13 map<string,string>",
                "mounts=14 repeated Mount",
                "log_path=15 string",
                "resources=16 ContainerResources",
                "image_id=17 string",
                "user=18 ContainerUser",
                "image_source=19 string"),
                fields(ContainerStatus.getDescriptor()));
    }

    @Test
    void linuxContainerResources() {
        assertEquals(List.of(
                "cpu_period=1 int64",
                "cpu_quota=2 int64",
                "cpu_shares=3 int64",
                "memory_limit_in_bytes=4 int64",
                "oom_score_adj=5 int64",
                "cpuset_cpus=6 string",
                "cpuset_mems=7 string",
                "hugepage_limits=8 repeated HugepageLimit",
                "unified=9 map<string,string>",
                "memory_swap_limit_in_bytes=10 int64"),
                fields(LinuxContainerResources.getDescriptor()));
    }

    @Test
    void mountAndImageSpec() {
        assertEquals(List.of(
                "container_path=1 string",
                "host_path=2 string",
                "readonly=3 bool",
                "selinux_relabel=4 bool",
                "propagation=5 MountPropagation",
                "uidMappings=6 repeated IDMapping",
                "gidMappings=7 repeated IDMapping",
                "recursive_read_only=8 bool",
                "image=9 ImageSpec"),
                fields(Mount.getDescriptor()));
        assertEquals(List.of(
                "image=1 string",
                "annotations=2 map<string,string>",
                "user_specified_image=18 string",
                "runtime_handler=19 string"),
                fields(ImageSpec.getDescriptor()));
    }

    @Test
    void versionAndExecSyncResponses() {
        assertEquals(List.of(
                "version=1 string",
                "runtime_name=2 string",
                "runtime_version=3 string",
                "runtime_api_version=4 string"),
                fields(VersionResponse.getDescriptor()));
        assertEquals(List.of("stdout=1 bytes", "stderr=2 bytes", "exit_code=3 int32"),
                fields(ExecSyncResponse.getDescriptor()));
    }

    @Test
    void enums() {
        assertEquals(List.of("CONTAINER_CREATED=0", "CONTAINER_RUNNING=1", "CONTAINER_EXITED=2", "CONTAINER_UNKNOWN=3"),
                values(ContainerState.getDescriptor()));
        assertEquals(List.of("PROPAGATION_PRIVATE=0", "PROPAGATION_HOST_TO_CONTAINER=1", "PROPAGATION_BIDIRECTIONAL=2"),
                values(MountPropagation.getDescriptor()));
    }

    @Test
    void knownWireBytes() {
        // Tag bytes are (number << 3 | wire type): a renumbered field changes them.
        byte[] wire = ContainerStatus.newBuilder().setExitCode(1).setImageSource("m").build().toByteArray();
        assertEquals("3801" + "9a0101" + "6d", hex(wire));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    private static List<String> methods(ServiceDescriptor service) {
        return service.getMethods().stream().map(CriWireCompatibilityTest::method).collect(Collectors.toList());
    }

    private static String method(MethodDescriptor m) {
        return m.getName() + "(" + (m.isClientStreaming() ? "stream " : "") + m.getInputType().getName() + ")"
                + (m.isServerStreaming() ? "stream " : "") + m.getOutputType().getName();
    }

    private static List<String> fields(Descriptor message) {
        return message.getFields().stream().map(CriWireCompatibilityTest::field).collect(Collectors.toList());
    }

    private static String field(FieldDescriptor f) {
        return f.getName() + "=" + f.getNumber() + " " + type(f);
    }

    private static String type(FieldDescriptor f) {
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            return "map<" + scalar(entry.findFieldByName("key")) + "," + scalar(entry.findFieldByName("value")) + ">";
        }
        return (f.isRepeated() ? "repeated " : "") + scalar(f);
    }

    private static String scalar(FieldDescriptor f) {
        switch (f.getType()) {
            case MESSAGE:
                return f.getMessageType().getName();
            case ENUM:
                return f.getEnumType().getName();
            default:
                return f.getType().name().toLowerCase();
        }
    }

    private static List<String> values(EnumDescriptor e) {
        return e.getValues().stream().map(v -> v.getName() + "=" + v.getNumber()).collect(Collectors.toList());
    }
}
