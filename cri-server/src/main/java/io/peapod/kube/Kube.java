package io.peapod.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The subset of the Kubernetes {@code v1} API that peapod runs: Pod, ConfigMap and Secret
 * with the fields listed here. Anything else in a manifest is refused by its path when it is
 * read (see {@link ManifestReader}), so that nothing is silently ignored.
 */
public final class Kube {
    private Kube() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class ObjectMeta {
        public String name;
        public String namespace;
        public String uid;
        public Map<String, String> labels;
        public Map<String, String> annotations;
    }

    public static final class Pod {
        public String apiVersion;
        public String kind;
        public ObjectMeta metadata;
        public PodSpec spec;
    }

    public static final class ConfigMap {
        public String apiVersion;
        public String kind;
        public ObjectMeta metadata;
        public Map<String, String> data;
        /** base64 values. */
        public Map<String, String> binaryData;
        public Boolean immutable;
    }

    public static final class Secret {
        public String apiVersion;
        public String kind;
        public ObjectMeta metadata;
        public String type;
        /** base64 values. */
        public Map<String, String> data;
        public Map<String, String> stringData;
        public Boolean immutable;
    }

    public static final class PodSpec {
        public List<Container> initContainers;
        public List<Container> containers;
        public String restartPolicy;
        public List<Volume> volumes;
        public Boolean hostNetwork;
        public Boolean hostPID;
        public Boolean hostIPC;
        public Boolean shareProcessNamespace;
        public String hostname;
        public String subdomain;
        public List<HostAlias> hostAliases;
        public String dnsPolicy;
        public PodDnsConfig dnsConfig;
        public Long terminationGracePeriodSeconds;
        public Long activeDeadlineSeconds;
        public PodSecurityContext securityContext;
        public String nodeName;
        public String serviceAccountName;
    }

    public static final class Container {
        public String name;
        public String image;
        public String imagePullPolicy;
        public List<String> command;
        public List<String> args;
        public String workingDir;
        public List<ContainerPort> ports;
        public List<EnvVar> env;
        public List<EnvFromSource> envFrom;
        public Resources resources;
        public List<VolumeMount> volumeMounts;
        public Probe startupProbe;
        public Probe livenessProbe;
        public Probe readinessProbe;
        public Lifecycle lifecycle;
        public SecurityContext securityContext;
        public Boolean stdin;
        public Boolean tty;
    }

    public static final class ContainerPort {
        public String name;
        public Integer containerPort;
        public Integer hostPort;
        public String hostIP;
        public String protocol;
    }

    public static final class EnvVar {
        public String name;
        public String value;
        public EnvVarSource valueFrom;
    }

    public static final class EnvVarSource {
        public FieldRef fieldRef;
        public ResourceFieldRef resourceFieldRef;
        public KeyRef configMapKeyRef;
        public KeyRef secretKeyRef;
    }

    public static final class FieldRef {
        public String apiVersion;
        public String fieldPath;
    }

    public static final class ResourceFieldRef {
        public String containerName;
        public String resource;
        public String divisor;
    }

    public static final class KeyRef {
        public String name;
        public String key;
        public Boolean optional;
    }

    public static final class EnvFromSource {
        public String prefix;
        public NameRef configMapRef;
        public NameRef secretRef;
    }

    public static final class NameRef {
        public String name;
        public Boolean optional;
    }

    public static final class Resources {
        public Map<String, String> limits;
        public Map<String, String> requests;
    }

    public static final class VolumeMount {
        public String name;
        public String mountPath;
        public Boolean readOnly;
        public String subPath;
    }

    public static final class Probe {
        public ExecAction exec;
        public HttpGetAction httpGet;
        public TcpSocketAction tcpSocket;
        public GrpcAction grpc;
        public Integer initialDelaySeconds;
        public Integer periodSeconds;
        public Integer timeoutSeconds;
        public Integer successThreshold;
        public Integer failureThreshold;
        public Long terminationGracePeriodSeconds;
    }

    public static final class ExecAction {
        public List<String> command;
    }

    public static final class HttpGetAction {
        public String path;
        /** A number or a named container port. */
        public Object port;
        public String host;
        public String scheme;
        public List<HttpHeader> httpHeaders;
    }

    public static final class HttpHeader {
        public String name;
        public String value;
    }

    public static final class TcpSocketAction {
        public Object port;
        public String host;
    }

    public static final class GrpcAction {
        public Integer port;
        public String service;
    }

    public static final class Lifecycle {
        public LifecycleHandler postStart;
        public LifecycleHandler preStop;
    }

    public static final class LifecycleHandler {
        public ExecAction exec;
        public HttpGetAction httpGet;
        public SleepAction sleep;
    }

    public static final class SleepAction {
        public Long seconds;
    }

    public static final class SecurityContext {
        public Long runAsUser;
        public Long runAsGroup;
        public Boolean runAsNonRoot;
        public Boolean privileged;
        public Boolean readOnlyRootFilesystem;
        public Boolean allowPrivilegeEscalation;
        public Capabilities capabilities;
    }

    public static final class Capabilities {
        public List<String> add;
        public List<String> drop;
    }

    public static final class PodSecurityContext {
        public Long runAsUser;
        public Long runAsGroup;
        public Boolean runAsNonRoot;
        public Long fsGroup;
        public List<Long> supplementalGroups;
        public List<Sysctl> sysctls;
    }

    public static final class Sysctl {
        public String name;
        public String value;
    }

    public static final class HostAlias {
        public String ip;
        public List<String> hostnames;
    }

    public static final class PodDnsConfig {
        public List<String> nameservers;
        public List<String> searches;
        public List<DnsOption> options;
    }

    public static final class DnsOption {
        public String name;
        public String value;
    }

    public static final class Volume {
        public String name;
        public EmptyDirSource emptyDir;
        public HostPathSource hostPath;
        public ConfigMapSource configMap;
        public SecretSource secret;
        public DownwardApiSource downwardAPI;
        public ProjectedSource projected;
    }

    public static final class EmptyDirSource {
        public String medium;
        public String sizeLimit;
    }

    public static final class HostPathSource {
        public String path;
        public String type;
    }

    public static final class KeyToPath {
        public String key;
        public String path;
        public Integer mode;
    }

    public static final class ConfigMapSource {
        public String name;
        public List<KeyToPath> items;
        public Integer defaultMode;
        public Boolean optional;
    }

    public static final class SecretSource {
        public String secretName;
        public List<KeyToPath> items;
        public Integer defaultMode;
        public Boolean optional;
    }

    public static final class DownwardApiFile {
        public String path;
        public FieldRef fieldRef;
        public ResourceFieldRef resourceFieldRef;
        public Integer mode;
    }

    public static final class DownwardApiSource {
        public List<DownwardApiFile> items;
        public Integer defaultMode;
    }

    public static final class ProjectedSource {
        public List<Projection> sources;
        public Integer defaultMode;
    }

    public static final class Projection {
        public ConfigMapProjection configMap;
        public SecretProjection secret;
        public DownwardApiProjection downwardAPI;
    }

    public static final class ConfigMapProjection {
        public String name;
        public List<KeyToPath> items;
        public Boolean optional;
    }

    public static final class SecretProjection {
        public String name;
        public List<KeyToPath> items;
        public Boolean optional;
    }

    public static final class DownwardApiProjection {
        public List<DownwardApiFile> items;
    }
}
