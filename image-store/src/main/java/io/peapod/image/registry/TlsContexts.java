package io.peapod.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS trust per registry: the system trust store plus {@code certs.d/<host>/*.crt}. */
final class TlsContexts {
    private TlsContexts() {
    }

    static SSLContext forHost(Path certsDir, String host) {
        try {
            List<Certificate> extra = new ArrayList<>();
            Path dir = certsDir == null ? null : certsDir.resolve(host.replace("[", "").replace("]", ""));
            if (dir != null && Files.isDirectory(dir)) {
                CertificateFactory cf = CertificateFactory.getInstance("X.509");
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.crt")) {
                    for (Path p : ds) {
                        try (InputStream in = Files.newInputStream(p)) {
                            extra.addAll(cf.generateCertificates(in));
                        }
                    }
                }
            }
            if (extra.isEmpty()) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory sysTmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            sysTmf.init((KeyStore) null);
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : extra) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory hostTmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            hostTmf.init(ks);
            X509TrustManager system = x509(sysTmf.getTrustManagers());
            X509TrustManager local = x509(hostTmf.getTrustManagers());
            X509TrustManager both = new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    system.checkClientTrusted(chain, authType);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    try {
                        local.checkServerTrusted(chain, authType);
                    } catch (CertificateException e) {
                        system.checkServerTrusted(chain, authType);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    X509Certificate[] a = system.getAcceptedIssuers();
                    X509Certificate[] b = local.getAcceptedIssuers();
                    X509Certificate[] out = java.util.Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, out, a.length, b.length);
                    return out;
                }
            };
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {both}, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new RegistryException("cannot load CA certificates for registry " + host + " from " + certsDir, e);
        }
    }

    private static X509TrustManager x509(TrustManager[] tms) {
        for (TrustManager tm : tms) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }
}
