/**
 * The client side of the streaming protocols, for the {@code peapod} command line and tests:
 * {@link io.peapod.cri.streaming.client.StreamClient} opens exec/attach sessions and port
 * forwards over SPDY/3.1 or WebSocket from a URL the CRI returned.
 */
package io.peapod.cri.streaming.client;
