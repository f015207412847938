package io.peapod.cri.streaming.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/** portforward.k8s.io over WebSocket from the client side: port i on channels 2i and 2i+1. */
final class WebSocketPortForwardSession extends ChannelInboundHandlerAdapter implements PortForwardSession {
    private final List<Integer> ports;
    private final ForwardedStream[] streams;
    private final boolean[] headerSeen;
    private final boolean[] opened;
    volatile Channel channel;
    Connector.Upgraded connection;

    WebSocketPortForwardSession(List<Integer> ports) {
        this.ports = ports;
        this.streams = new ForwardedStream[ports.size()];
        this.headerSeen = new boolean[ports.size() * 2];
        this.opened = new boolean[ports.size()];
        for (int i = 0; i < ports.size(); i++) {
            int index = i;
            streams[i] = new ForwardedStream(ports.get(i), (bytes, last) -> {
                if (!last) {
                    channel.writeAndFlush(new BinaryWebSocketFrame(channel.alloc().buffer(bytes.length + 1)
                            .writeByte(2 * index).writeBytes(bytes)));
                }
            }, () -> { });
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Connector.STARTED) {
            channel = ctx.channel();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public synchronized PortStream open(int port) {
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i) == port && !opened[i]) {
                opened[i] = true;
                return streams[i];
            }
        }
        throw new IllegalArgumentException("port " + port + " is not among the WebSocket session's ports "
                + ports + " (or already opened)");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof BinaryWebSocketFrame f && f.content().isReadable()) {
                ByteBuf c = f.content();
                int ch = c.readUnsignedByte();
                if (ch / 2 >= streams.length) {
                    return;
                }
                if (!headerSeen[ch]) {
                    headerSeen[ch] = true;
                    c.skipBytes(Math.min(2, c.readableBytes()));
                }
                byte[] bytes = ByteBufUtil.getBytes(c);
                if (ch % 2 == 0) {
                    streams[ch / 2].data(bytes);
                } else {
                    streams[ch / 2].error(bytes);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (ForwardedStream s : streams) {
            s.end();
        }
    }

    @Override
    public void close() {
        connection.shutdown();
    }
}
