package io.peapod.cri.streaming.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** remotecommand over SPDY/3.1 from the client side: one stream per role, opened at start. */
final class SpdySession extends SessionBase {
    private final boolean stdin;
    private final boolean tty;
    private final Map<String, Integer> streams = new LinkedHashMap<>();
    private Channel channel;

    SpdySession(boolean stdin, boolean tty, OutputStream stdout, OutputStream stderr) {
        super(stdout, stderr);
        this.stdin = stdin;
        this.tty = tty;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != Connector.STARTED) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        channel = ctx.channel();
        int id = 1;
        streams.put("error", id);
        if (stdin) {
            streams.put("stdin", id += 2);
        }
        if (stdout != null) {
            streams.put("stdout", id += 2);
        }
        if (stderr != null && !tty) {
            streams.put("stderr", id += 2);
        }
        if (tty && !protocol.equals("v2.channel.k8s.io")) {
            streams.put("resize", id += 2);
        }
        for (Map.Entry<String, Integer> e : streams.entrySet()) {
            DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(e.getValue(), 0, (byte) 0);
            syn.headers().set("streamtype", e.getKey());
            ctx.write(syn);
        }
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdyDataFrame data) {
                byte[] bytes = ByteBufUtil.getBytes(data.content());
                int id = data.streamId();
                if (is("stdout", id)) {
                    output(1, bytes);
                } else if (is("stderr", id)) {
                    output(2, bytes);
                } else if (is("error", id)) {
                    errorStream.writeBytes(bytes);
                }
            } else if (msg instanceof SpdyRstStreamFrame rst) {
                status.complete(new StreamStatus(-1, "server reset stream " + rst.streamId() + ": " + rst.status()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private boolean is(String type, int id) {
        Integer s = streams.get(type);
        return s != null && s == id;
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

    private void send(String type, byte[] data, boolean last) {
        Integer id = streams.get(type);
        if (id == null || channel == null) {
            return;
        }
        DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(id, channel.alloc().buffer(data.length).writeBytes(data));
        frame.setLast(last);
        channel.writeAndFlush(frame);
    }

    @Override
    public void stdin(byte[] data) {
        send("stdin", data, false);
    }

    @Override
    public void closeStdin() {
        send("stdin", new byte[0], true);
    }

    @Override
    public void resize(int width, int height) {
        send("resize", ("{\"Width\":" + width + ",\"Height\":" + height + "}\n").getBytes(StandardCharsets.UTF_8),
                false);
    }
}
