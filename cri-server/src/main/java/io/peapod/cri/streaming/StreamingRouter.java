package io.peapod.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.peapod.runtime.container.ContainerRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first request on a streaming connection: {@code /exec/TOKEN}, {@code /attach/TOKEN} or
 * {@code /portforward/TOKEN}, upgraded to SPDY/3.1 or WebSocket with a protocol both sides
 * speak. The token is used up by this request whatever its outcome.
 */
final class StreamingRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingRouter.class);
    static final int MAX_FRAME = 16 << 20;
    static final List<String> SPDY_REMOTECOMMAND = List.of(SpdyRemoteCommand.V4, SpdyRemoteCommand.V3,
            SpdyRemoteCommand.V2);
    static final List<String> WS_REMOTECOMMAND = List.of(WebSocketRemoteCommand.V5, WebSocketRemoteCommand.V4,
            WebSocketRemoteCommand.V4_BASE64);
    static final List<String> SPDY_PORTFORWARD = List.of(SpdyPortForward.PROTOCOL);
    static final List<String> WS_PORTFORWARD = List.of(WebSocketPortForward.PROTOCOL, WebSocketPortForward.V4);

    private final TokenCache tokens;
    private final ContainerRuntime containers;

    StreamingRouter(TokenCache tokens, ContainerRuntime containers) {
        this.tokens = tokens;
        this.containers = containers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String[] parts = uri.path().split("/");
        if (parts.length != 3 || !parts[0].isEmpty()
                || !List.of("exec", "attach", "portforward").contains(parts[1])) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "no streaming endpoint at " + uri.path()
                    + "; expected /exec/TOKEN, /attach/TOKEN or /portforward/TOKEN");
            return;
        }
        Optional<StreamRequest> found = tokens.consume(parts[2]);
        if (found.isEmpty() || !found.get().path().equals(parts[1])) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "streaming token " + parts[2] + " for " + parts[1]
                    + " is unknown, expired or already used");
            return;
        }
        StreamRequest request = found.get();
        String upgrade = req.headers().get(HttpHeaderNames.UPGRADE, "");
        if (upgrade.equalsIgnoreCase("websocket")) {
            webSocket(ctx, req, request, uri);
        } else if (upgrade.equalsIgnoreCase("SPDY/3.1")) {
            spdy(ctx, req, request);
        } else {
            reply(ctx, HttpResponseStatus.BAD_REQUEST, parts[1] + " needs an upgrade to SPDY/3.1 or websocket; got "
                    + (upgrade.isEmpty() ? "none" : "\"" + upgrade + "\""));
        }
    }

    private static List<String> offered(List<String> headerValues) {
        List<String> out = new ArrayList<>();
        for (String v : headerValues) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.strip());
                }
            }
        }
        return out;
    }

    private static String negotiate(List<String> offered, List<String> supported) {
        for (String p : offered) {
            if (supported.contains(p)) {
                return p;
            }
        }
        return null;
    }

    private void spdy(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request) {
        List<String> supported = request instanceof StreamRequest.PortForward ? SPDY_PORTFORWARD : SPDY_REMOTECOMMAND;
        List<String> offered = offered(req.headers().getAll("X-Stream-Protocol-Version"));
        String protocol = negotiate(offered, supported);
        if (protocol == null) {
            reply(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client supports "
                    + offered + ", server supports " + supported);
            return;
        }
        ChannelHandler handler;
        if (request instanceof StreamRequest.Exec e) {
            handler = new SpdyRemoteCommand(protocol, e.stdin(), e.stdout(), e.stderr(), e.tty(),
                    client -> new ExecCommand(containers, e, client));
        } else if (request instanceof StreamRequest.Attach a) {
            handler = new SpdyRemoteCommand(protocol, a.stdin(), a.stdout(), a.stderr(), a.tty(),
                    client -> new AttachCommand(containers.context().store().directoryOf(a.containerId()), a, client));
        } else {
            handler = new SpdyPortForward((StreamRequest.PortForward) request);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        res.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        res.headers().set("X-Stream-Protocol-Version", protocol);
        ctx.writeAndFlush(res);
        ChannelPipeline p = ctx.pipeline();
        p.remove(HttpObjectAggregator.class);
        p.addAfter(ctx.name(), "spdy-handler", handler);
        p.addAfter(ctx.name(), "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        p.remove(this);
        p.remove(HttpServerCodec.class);
        LOG.debug("{} upgraded to SPDY/3.1 with {}", request.path(), protocol);
    }

    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request,
                           QueryStringDecoder uri) {
        List<String> supported = request instanceof StreamRequest.PortForward ? WS_PORTFORWARD : WS_REMOTECOMMAND;
        List<String> offered = offered(req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        String protocol = negotiate(offered, supported);
        if (protocol == null) {
            reply(ctx, HttpResponseStatus.BAD_REQUEST, "unknown protocol " + offered + " for " + request.path()
                    + " over websocket; supported: " + supported);
            return;
        }
        List<Integer> ports;
        ChannelHandler handler;
        if (request instanceof StreamRequest.Exec e) {
            handler = new WebSocketRemoteCommand(protocol, client -> new ExecCommand(containers, e, client));
        } else if (request instanceof StreamRequest.Attach a) {
            handler = new WebSocketRemoteCommand(protocol,
                    client -> new AttachCommand(containers.context().store().directoryOf(a.containerId()), a, client));
        } else {
            StreamRequest.PortForward p = (StreamRequest.PortForward) request;
            try {
                ports = portsOf(uri, p);
            } catch (IllegalArgumentException ex) {
                reply(ctx, HttpResponseStatus.BAD_REQUEST, ex.getMessage());
                return;
            }
            handler = new WebSocketPortForward(p, ports);
        }
        String location = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + uri.path();
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(location, protocol, true, MAX_FRAME)
                .newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        final ChannelHandler h = handler;
        hs.handshake(ctx.channel(), req).addListener(f -> {
            if (f.isSuccess()) {
                pipeline.addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
                pipeline.addLast("ws-handler", h);
                LOG.debug("{} upgraded to websocket with {}", request.path(), protocol);
            } else {
                ctx.close();
            }
        });
        pipeline.remove(this);
    }

    private static List<Integer> portsOf(QueryStringDecoder uri, StreamRequest.PortForward p) {
        List<String> values = uri.parameters().getOrDefault("ports", List.of());
        List<Integer> ports = new ArrayList<>();
        for (String v : values) {
            for (String one : v.split(",")) {
                try {
                    int port = Integer.parseInt(one.strip());
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    ports.add(port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("port-forward: \"" + one + "\" is not a port number");
                }
            }
        }
        if (ports.isEmpty()) {
            ports.addAll(p.ports());
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("port-forward over websocket needs ?ports=PORT[,PORT...]");
        }
        return ports;
    }

    static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        LOG.info("streaming request refused ({}): {}", status.code(), message);
        ByteBuf body = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("streaming request: {}", cause.toString());
        ctx.close();
    }

}
