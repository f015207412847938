package io.peapod.cri.streaming.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** remotecommand over WebSocket from the client side (v5, v4 and v4.base64 channel framing). */
final class WebSocketSession extends SessionBase {
    private Channel channel;

    WebSocketSession(OutputStream stdout, OutputStream stderr) {
        super(stdout, stderr);
    }

    private boolean base64() {
        return protocol.contains("base64");
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
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof CloseWebSocketFrame) {
                ctx.close();
                return;
            }
            int channelId;
            byte[] data;
            if (msg instanceof TextWebSocketFrame text && base64()) {
                String s = text.text();
                if (s.isEmpty()) {
                    return;
                }
                channelId = s.charAt(0) - '0';
                data = Base64.getDecoder().decode(s.substring(1));
            } else if (msg instanceof BinaryWebSocketFrame bin) {
                ByteBuf c = bin.content();
                if (!c.isReadable()) {
                    return;
                }
                channelId = c.readUnsignedByte();
                data = ByteBufUtil.getBytes(c);
            } else {
                return;
            }
            if (channelId == 1 || channelId == 2) {
                output(channelId, data);
            } else if (channelId == 3) {
                errorStream.writeBytes(data);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        complete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        status.completeExceptionally(cause);
        ctx.close();
    }

    private void send(int channelId, byte[] data) {
        if (channel == null) {
            return;
        }
        WebSocketFrame frame;
        if (base64()) {
            frame = new TextWebSocketFrame((char) ('0' + channelId) + Base64.getEncoder().encodeToString(data));
        } else {
            frame = new BinaryWebSocketFrame(channel.alloc().buffer(data.length + 1).writeByte(channelId)
                    .writeBytes(data));
        }
        channel.writeAndFlush(frame);
    }

    @Override
    public void stdin(byte[] data) {
        send(0, data);
    }

    /** Only v5 can say so; with older versions the process keeps its stdin until the connection closes. */
    @Override
    public void closeStdin() {
        if (protocol.startsWith("v5.") && channel != null) {
            channel.writeAndFlush(new BinaryWebSocketFrame(channel.alloc().buffer(2).writeByte(255).writeByte(0)));
        }
    }

    @Override
    public void resize(int width, int height) {
        send(4, ("{\"Width\":" + width + ",\"Height\":" + height + "}").getBytes(StandardCharsets.UTF_8));
    }
}
