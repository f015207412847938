/**
 * The CRI v1 gRPC front end: {@link io.peapod.cri.CriServer} on a Unix socket, the
 * {@link io.peapod.cri.RuntimeServiceImpl} and {@link io.peapod.cri.ImageServiceImpl} dispatchers,
 * and the handler interfaces they dispatch to, one per group of RPCs.
 *
 * <p>Everything that touches gRPC, Netty or protobuf lives in this package (and the generated
 * {@code io.peapod.cri.v1}); the command line's per-call paths must not reference it, so that they
 * never pay for loading those classes.
 */
package io.peapod.cri;
