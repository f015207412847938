package io.peapod.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * remotecommand over WebSocket ({@code v5.channel.k8s.io}, {@code v4.channel.k8s.io},
 * {@code v4.base64.channel.k8s.io}): every message starts with its channel (0 stdin, 1 stdout,
 * 2 stderr, 3 error, 4 resize); base64 variants send text messages with the channel as an
 * ASCII digit and the data base64-encoded. v5 adds the close signal: channel 255 with the id
 * of the channel the client closes.
 */
final class WebSocketRemoteCommand extends SimpleChannelInboundHandler<WebSocketFrame>
        implements RemoteCommandClient {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketRemoteCommand.class);
    static final String V5 = "v5.channel.k8s.io";
    static final String V4 = "v4.channel.k8s.io";
    static final String V4_BASE64 = "v4.base64.channel.k8s.io";
    private static final int STDIN = 0;
    private static final int ERROR = 3;
    private static final int RESIZE = 4;
    private static final int CLOSE = 255;

    private final String protocol;
    private final boolean base64;
    private final Function<RemoteCommandClient, RemoteCommand> factory;
    private ChannelHandlerContext ctx;
    private Flow flow;
    private RemoteCommand command;
    private volatile boolean finished;

    WebSocketRemoteCommand(String protocol, Function<RemoteCommandClient, RemoteCommand> factory) {
        this.protocol = protocol;
        this.base64 = protocol.equals(V4_BASE64);
        this.factory = factory;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.flow = new Flow(ctx.channel());
        this.command = factory.apply(this);
        command.start();
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
        byte[] bytes;
        int channel;
        if (frame instanceof TextWebSocketFrame && base64) {
            String text = ((TextWebSocketFrame) frame).text();
            if (text.isEmpty()) {
                return;
            }
            channel = text.charAt(0) - '0';
            try {
                bytes = Base64.getDecoder().decode(text.substring(1));
            } catch (IllegalArgumentException e) {
                protocolError("message on channel " + channel + " is not base64: " + e.getMessage());
                return;
            }
        } else if (frame instanceof BinaryWebSocketFrame && !base64) {
            ByteBuf content = frame.content();
            if (!content.isReadable()) {
                return;
            }
            channel = content.readUnsignedByte();
            bytes = ByteBufUtil.getBytes(content);
        } else {
            protocolError("unexpected " + frame.getClass().getSimpleName() + " for protocol " + protocol);
            return;
        }
        switch (channel) {
            case STDIN -> command.stdin(bytes);
            case RESIZE -> {
                try {
                    Resize r = Resize.parse(new String(bytes, StandardCharsets.UTF_8));
                    command.resize(r.width(), r.height());
                } catch (IllegalArgumentException e) {
                    LOG.debug("ignoring resize: {}", e.getMessage());
                }
            }
            case CLOSE -> {
                if (protocol.equals(V5) && bytes.length == 1 && bytes[0] == STDIN) {
                    command.stdinClosed();
                }
            }
            default -> LOG.debug("ignoring {} bytes on channel {}", bytes.length, channel);
        }
    }

    private void protocolError(String message) {
        finishError(message);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        flow.changed();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flow.changed();
        if (!finished) {
            command.clientGone();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("websocket remotecommand: {}", cause.toString());
        ctx.close();
    }

    private WebSocketFrame frame(int channel, byte[] data, int len) {
        if (base64) {
            String text = (char) ('0' + channel) + Base64.getEncoder().encodeToString(
                    len == data.length ? data : java.util.Arrays.copyOf(data, len));
            return new TextWebSocketFrame(text);
        }
        ByteBuf buf = ctx.alloc().buffer(len + 1);
        buf.writeByte(channel).writeBytes(data, 0, len);
        return new BinaryWebSocketFrame(buf);
    }

    @Override
    public void send(int stream, byte[] data, int len) {
        ctx.writeAndFlush(frame(stream, data, len));
    }

    @Override
    public boolean awaitWritable() {
        return flow.awaitWritable();
    }

    @Override
    public void finishExit(int exitCode) {
        finish(StatusJson.exitCode(exitCode));
    }

    @Override
    public void finishError(String message) {
        finish(StatusJson.failure(message));
    }

    private void finish(byte[] status) {
        finished = true;
        ctx.write(frame(ERROR, status, status.length));
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }

}
