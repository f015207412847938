package io.peapod.runtime.pod.files;

import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.DnsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod's {@code /etc/resolv.conf}, from the pod's DNS config or from the host's
 * file. A host name server on loopback (a local stub resolver such as
 * systemd-resolved's 127.0.0.53) is dropped: inside the pod's network namespace
 * loopback is the pod, not the host.
 */
public final class ResolvConf {
    private static final Logger LOG = LoggerFactory.getLogger(ResolvConf.class);
    /** The resolver reads at most this many name servers. */
    public static final int MAX_NAMESERVERS = 3;
    /** The kubelet's limits on search domains. */
    public static final int MAX_SEARCHES = 32;
    public static final int MAX_SEARCH_CHARS = 2048;
    private static final Pattern TOKEN = Pattern.compile("[^\\s#;]+");
    private static final Pattern IP = Pattern.compile("[0-9a-fA-F:.]+(%[a-zA-Z0-9_.\\-]+)?");

    private ResolvConf() {
    }

    /** The file's text for an explicit DNS config; too many servers or searches are refused. */
    public static String render(DnsConfig dns) {
        if (dns.servers().size() > MAX_NAMESERVERS) {
            throw new InvalidArgumentException("DNS config has " + dns.servers().size() + " name servers "
                    + dns.servers() + "; at most " + MAX_NAMESERVERS + " are allowed");
        }
        List<String> searches = dedupe(dns.searches());
        if (searches.size() > MAX_SEARCHES || String.join(" ", searches).length() > MAX_SEARCH_CHARS) {
            throw new InvalidArgumentException("DNS config has " + searches.size() + " search domains; at most "
                    + MAX_SEARCHES + " in " + MAX_SEARCH_CHARS + " characters are allowed");
        }
        StringBuilder b = new StringBuilder();
        for (String s : dns.servers()) {
            if (s == null || !IP.matcher(s).matches()) {
                throw new InvalidArgumentException("DNS config has an invalid name server " + quote(s)
                        + " (want an IP address)");
            }
            b.append("nameserver ").append(s).append('\n');
        }
        if (!searches.isEmpty()) {
            searches.forEach(s -> token("search domain", s));
            b.append("search ").append(String.join(" ", searches)).append('\n');
        }
        if (!dns.options().isEmpty()) {
            dns.options().forEach(o -> token("resolver option", o));
            b.append("options ").append(String.join(" ", dns.options())).append('\n');
        }
        return b.toString();
    }

    /** Reads the host's resolver config, dropping loopback name servers; a missing file reads as empty. */
    public static DnsConfig fromHost(Path hostResolvConf) {
        String text;
        try {
            text = Files.readString(hostResolvConf, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            LOG.warn("host resolver config {} does not exist; pods get an empty resolv.conf", hostResolvConf);
            return DnsConfig.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + hostResolvConf + ": " + e.getMessage(), e);
        }
        return parseHost(text, hostResolvConf.toString());
    }

    /** Parses resolv.conf text the way the host's resolver would, keeping what a pod may use. */
    static DnsConfig parseHost(String text, String source) {
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] f = line.split("\\s+");
            List<String> rest = new ArrayList<>();
            for (int i = 1; i < f.length && !f[i].startsWith("#") && !f[i].startsWith(";"); i++) {
                rest.add(f[i]);
            }
            switch (f[0]) {
                case "nameserver":
                    if (!rest.isEmpty() && IP.matcher(rest.get(0)).matches()) {
                        if (isLoopback(rest.get(0))) {
                            LOG.debug("dropping loopback name server {} of {}", rest.get(0), source);
                        } else {
                            servers.add(rest.get(0));
                        }
                    }
                    break;
                case "search":
                case "domain":
                    // the last search or domain line wins, as in glibc
                    searches = new ArrayList<>(rest);
                    break;
                case "options":
                    options.addAll(rest);
                    break;
                default:
                    break;
            }
        }
        if (servers.size() > MAX_NAMESERVERS) {
            LOG.warn("{} lists {} name servers; pods get the first {}", source, servers.size(), MAX_NAMESERVERS);
            servers = servers.subList(0, MAX_NAMESERVERS);
        }
        searches = dedupe(searches);
        if (searches.size() > MAX_SEARCHES) {
            LOG.warn("{} lists {} search domains; pods get the first {}", source, searches.size(), MAX_SEARCHES);
            searches = searches.subList(0, MAX_SEARCHES);
        }
        return new DnsConfig(servers, searches, options);
    }

    static boolean isLoopback(String ip) {
        String literal = ip.contains("%") ? ip.substring(0, ip.indexOf('%')) : ip;
        try {
            // a literal: no lookup happens
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> dedupe(List<String> in) {
        Set<String> seen = new LinkedHashSet<>(in);
        return new ArrayList<>(seen);
    }

    private static void token(String what, String s) {
        if (s == null || !TOKEN.matcher(s).matches()) {
            throw new InvalidArgumentException("DNS config has an invalid " + what + " " + quote(s));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
