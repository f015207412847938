package io.peapod.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code portforward.k8s.io} over SPDY/3.1: for every forwarded connection the client opens
 * an error stream and a data stream carrying the same {@code requestID} and {@code port}
 * headers. Once both are there, a connection to the port is made inside the pod's network
 * namespace and bytes flow on the data stream; a failure is written to the error stream as
 * text. Any number of ports and connections share one SPDY session.
 */
final class SpdyPortForward extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SpdyPortForward.class);
    static final String PROTOCOL = "portforward.k8s.io";

    private final StreamRequest.PortForward request;
    private final Map<String, Pair> byRequest = new HashMap<>();
    private final Map<Integer, Pair> byStream = new HashMap<>();
    private ChannelHandlerContext ctx;

    /** One forwarded connection: its two streams and, once made, the connection. */
    private final class Pair implements PortConnection.Sink {
        final String requestId;
        final int port;
        Integer data;
        Integer error;
        PortConnection conn;
        final List<ByteBuf> early = new ArrayList<>();
        boolean clientDone;
        boolean closed;

        Pair(String requestId, int port) {
            this.requestId = requestId;
            this.port = port;
        }

        @Override
        public void data(ByteBuf buf) {
            if (closed) {
                buf.release();
                return;
            }
            ctx.writeAndFlush(new DefaultSpdyDataFrame(data, buf));
            if (!ctx.channel().isWritable()) {
                conn.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void closed() {
            finish(null);
        }

        void finish(String message) {
            if (closed) {
                return;
            }
            closed = true;
            if (message != null && error != null) {
                LOG.info("port-forward to port {} of sandbox {}: {}", port, request.sandboxId(), message);
                byte[] b = message.getBytes(StandardCharsets.UTF_8);
                ctx.write(new DefaultSpdyDataFrame(error, ctx.alloc().buffer(b.length).writeBytes(b)));
            }
            for (Integer id : new Integer[] {data, error}) {
                if (id == null) {
                    continue;
                }
                DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
                fin.setLast(true);
                ctx.write(fin);
            }
            ctx.flush();
            early.forEach(ByteBuf::release);
            early.clear();
            if (conn != null) {
                conn.close();
            }
            byRequest.remove(requestId);
            byStream.remove(data);
            byStream.remove(error);
        }
    }

    SpdyPortForward(StreamRequest.PortForward request) {
        this.request = request;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                synStream(syn);
            } else if (msg instanceof SpdyDataFrame frame) {
                int n = frame.content().readableBytes();
                if (n > 0) {
                    ctx.write(new DefaultSpdyWindowUpdateFrame(frame.streamId(), n));
                    ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, n));
                }
                Pair p = byStream.get(frame.streamId());
                if (p == null || p.data == null || p.data != frame.streamId() || p.closed) {
                    return;
                }
                if (n > 0) {
                    ByteBuf buf = frame.content().retain();
                    if (p.conn == null) {
                        p.early.add(buf);
                    } else {
                        p.conn.write(buf);
                    }
                }
                if (frame.isLast()) {
                    p.clientDone = true;
                    if (p.conn != null) {
                        p.conn.shutdownOutput();
                    }
                }
            } else if (msg instanceof SpdyRstStreamFrame rst) {
                Pair p = byStream.get(rst.streamId());
                if (p != null) {
                    p.finish(null);
                }
            } else if (msg instanceof SpdyPingFrame) {
                ctx.writeAndFlush(ReferenceCountUtil.retain(msg));
            } else if (msg instanceof SpdyGoAwayFrame) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void synStream(SpdySynStreamFrame syn) {
        String type = syn.headers().getAsString(SpdyRemoteCommand.STREAM_TYPE);
        String portText = syn.headers().getAsString("port");
        String requestId = syn.headers().getAsString("requestid");
        int port;
        try {
            port = Integer.parseInt(portText == null ? "" : portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (!("data".equals(type) || "error".equals(type)) || port < 1 || port > 65535) {
            LOG.info("port-forward to sandbox {}: refusing stream {} (type {}, port {})", request.sandboxId(),
                    syn.streamId(), type, portText);
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.REFUSED_STREAM));
            return;
        }
        String key = requestId == null ? "port-" + port : requestId;
        final int finalPort = port;
        Pair p = byRequest.computeIfAbsent(key, k -> new Pair(k, finalPort));
        if ("data".equals(type) ? p.data != null : p.error != null) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.PROTOCOL_ERROR));
            return;
        }
        if ("data".equals(type)) {
            p.data = syn.streamId();
        } else {
            p.error = syn.streamId();
        }
        byStream.put(syn.streamId(), p);
        ctx.writeAndFlush(new DefaultSpdySynReplyFrame(syn.streamId()));
        if (p.data != null && p.error != null) {
            PortConnection.open(request.netns(), p.port, ctx.channel().eventLoop(), p, conn -> {
                if (p.closed) {
                    conn.close();
                    return;
                }
                p.conn = conn;
                p.early.forEach(conn::write);
                p.early.clear();
                if (p.clientDone) {
                    conn.shutdownOutput();
                }
            }, p::finish);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        for (Pair p : byRequest.values()) {
            if (p.conn != null) {
                p.conn.channel().config().setAutoRead(writable);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Pair p : new ArrayList<>(byRequest.values())) {
            p.closed = true;
            p.early.forEach(ByteBuf::release);
            if (p.conn != null) {
                p.conn.close();
            }
        }
        byRequest.clear();
        byStream.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("SPDY port-forward: {}", cause.toString());
        ctx.close();
    }
}
