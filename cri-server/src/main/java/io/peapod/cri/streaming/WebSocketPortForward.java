package io.peapod.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code portforward.k8s.io} over WebSocket: one connection per requested port, port i on
 * channels 2i (data) and 2i+1 (error). The first message on each channel is the port as a
 * little-endian u16, as the API server's WebSocket port forwarding sends it. The WebSocket
 * closes once every connection has ended.
 */
final class WebSocketPortForward extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketPortForward.class);
    static final String PROTOCOL = "portforward.k8s.io";
    static final String V4 = "v4.channel.k8s.io";

    private final StreamRequest.PortForward request;
    private final List<Integer> ports;
    private final PortConnection[] conns;
    private final boolean[] ended;
    private final List<List<ByteBuf>> early = new java.util.ArrayList<>();
    private ChannelHandlerContext ctx;
    private int open;

    WebSocketPortForward(StreamRequest.PortForward request, List<Integer> ports) {
        this.request = request;
        this.ports = ports;
        this.conns = new PortConnection[ports.size()];
        this.ended = new boolean[ports.size()];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        open = ports.size();
        for (int i = 0; i < ports.size(); i++) {
            early.add(new java.util.ArrayList<>());
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            for (int ch : new int[] {2 * i, 2 * i + 1}) {
                ByteBuf b = ctx.alloc().buffer(3).writeByte(ch).writeShortLE(port);
                ctx.write(new BinaryWebSocketFrame(b));
            }
            int index = i;
            PortConnection.open(request.netns(), port, ctx.channel().eventLoop(), new PortConnection.Sink() {
                @Override
                public void data(ByteBuf buf) {
                    ByteBuf head = ctx.alloc().buffer(1).writeByte(2 * index);
                    ctx.writeAndFlush(new BinaryWebSocketFrame(ctx.alloc().compositeBuffer(2)
                            .addComponents(true, head, buf)));
                    if (!ctx.channel().isWritable() && conns[index] != null) {
                        conns[index].channel().config().setAutoRead(false);
                    }
                }

                @Override
                public void closed() {
                    end(index);
                }
            }, conn -> {
                if (ended[index]) {
                    conn.close();
                } else {
                    conns[index] = conn;
                    early.get(index).forEach(conn::write);
                    early.get(index).clear();
                }
            }, message -> {
                LOG.info("port-forward to port {} of sandbox {}: {}", port, request.sandboxId(), message);
                byte[] m = message.getBytes(StandardCharsets.UTF_8);
                ctx.writeAndFlush(new BinaryWebSocketFrame(ctx.alloc().buffer(m.length + 1).writeByte(2 * index + 1)
                        .writeBytes(m)));
                end(index);
            });
        }
        ctx.flush();
    }

    private void end(int index) {
        if (ended[index]) {
            return;
        }
        ended[index] = true;
        early.get(index).forEach(ByteBuf::release);
        early.get(index).clear();
        if (conns[index] != null) {
            conns[index].close();
        }
        if (--open == 0 && ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame) || !frame.content().isReadable()) {
            return;
        }
        ByteBuf content = frame.content();
        int channel = content.readUnsignedByte();
        int index = channel / 2;
        if (channel % 2 != 0 || index >= conns.length || ended[index] || !content.isReadable()) {
            return;
        }
        if (conns[index] == null) {
            early.get(index).add(content.retain());
        } else {
            conns[index].write(content.retain());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        for (PortConnection c : conns) {
            if (c != null) {
                c.channel().config().setAutoRead(ctx.channel().isWritable());
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (int i = 0; i < conns.length; i++) {
            ended[i] = true;
            early.get(i).forEach(ByteBuf::release);
            early.get(i).clear();
            if (conns[i] != null) {
                conns[i].close();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("WebSocket port-forward: {}", cause.toString());
        ctx.close();
    }
}
