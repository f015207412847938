package io.peapod.cri;

import io.peapod.cri.v1.ContainerStatsRequest;
import io.peapod.cri.v1.ContainerStatsResponse;
import io.peapod.cri.v1.ListContainerStatsRequest;
import io.peapod.cri.v1.ListContainerStatsResponse;
import io.peapod.cri.v1.ListMetricDescriptorsRequest;
import io.peapod.cri.v1.ListMetricDescriptorsResponse;
import io.peapod.cri.v1.ListPodSandboxMetricsRequest;
import io.peapod.cri.v1.ListPodSandboxMetricsResponse;
import io.peapod.cri.v1.ListPodSandboxStatsRequest;
import io.peapod.cri.v1.ListPodSandboxStatsResponse;
import io.peapod.cri.v1.PodSandboxStatsRequest;
import io.peapod.cri.v1.PodSandboxStatsResponse;

/** Resource usage of containers and pods, and the metric descriptors. */
public interface StatsHandler {
    ContainerStatsResponse containerStats(ContainerStatsRequest request);

    ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request);

    PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request);

    ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request);

    ListMetricDescriptorsResponse listMetricDescriptors(ListMetricDescriptorsRequest request);

    ListPodSandboxMetricsResponse listPodSandboxMetrics(ListPodSandboxMetricsRequest request);
}
