package io.keyhold.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.LiveServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link StaticFiles}: the console's files by path with their content types, entity tags and revalidation,
 * the Content-Security-Policy on HTML, open access, and no way out of the console's directory.
 */
class StaticFilesTest {
    private static Router router() {
        Router router = new Router();
        new StaticFiles().register(router);
        return router;
    }

    private static HttpAnswer get(String path, Map<String, String> headers) throws Exception {
        Router.Match m = router().match("GET", path);
        if (!(m instanceof Router.Found found)) {
            return HttpAnswer.problem(404, "not-found", "Not found", "no route");
        }
        assertThat(found.entry().access()).isEqualTo(Router.Access.PUBLIC);
        HttpCall call = new HttpCall("GET", path, Map.of(), headers, new byte[0], null, "127.0.0.1:1", null,
                found.pathParams());
        return found.entry().route().handle(call);
    }

    private static HttpAnswer get(String path) throws Exception {
        return get(path, Map.of());
    }

    private static String text(HttpAnswer a) {
        return new String(a.body(), StandardCharsets.UTF_8);
    }

    @Test
    void root_isTheConsolePage_withAStrictContentSecurityPolicy() throws Exception {
        HttpAnswer a = get("/");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(text(a)).contains("<title>Keyhold console</title>").contains("/console/js/app.js");
        String csp = a.headers().get("Content-Security-Policy");
        assertThat(csp).startsWith("default-src 'self'").contains("script-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(a.headers()).containsEntry("Cache-Control", "no-cache").containsKey("ETag");
    }

    @Test
    void theConsolePage_hasNoInlineScriptOrStyle() throws Exception {
        String html = text(get("/"));
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
        assertThat(html).doesNotContain("<style").doesNotContain(" style=").doesNotContainPattern(" on[a-z]+=");
    }

    @Test
    void files_haveTheirContentTypes() throws Exception {
        assertThat(get("/console/js/app.js").contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/console/console.css").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(get("/console/favicon.svg").contentType()).isEqualTo("image/svg+xml");
        assertThat(get("/console/js/app.js").headers()).doesNotContainKey("Content-Security-Policy");
        assertThat(text(get("/console/js/app.js"))).contains("import");
    }

    @Test
    void aMatchingEntityTag_isAnswered304WithoutBody() throws Exception {
        HttpAnswer first = get("/console/console.css");
        String etag = first.headers().get("ETag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        HttpAnswer again = get("/console/console.css", Map.of("if-none-match", "\"other\", " + etag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers()).containsEntry("ETag", etag);
        assertThat(get("/console/console.css", Map.of("if-none-match", "\"other\"")).status()).isEqualTo(200);
        assertThat(get("/console/js/app.js").headers().get("ETag")).isNotEqualTo(etag);
    }

    @Test
    void aNaiveJoin_wouldReachOtherResources_soTheTraversalTestsBelowMeanSomething() {
        ClassLoader loader = StaticFiles.class.getClassLoader();
        assertThat(loader.getResource(StaticFiles.ROOT + "../openapi/base.json")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/console/../openapi/base.json",
        "/console/js/../../openapi/base.json",
        "/console/./console.css",
        "/console//console.css",
        "/console/..\\openapi\\base.json",
        "/console/.hidden.css",
        "/console/js",
        "/console/",
        "/console",
        "/console/missing.js",
        "/console/../StaticFiles.class",
        "/console/index.html%00.js",
        "/console/console.css/",
    })
    void outsideOrUnknownPaths_areNotFound(String path) throws Exception {
        HttpAnswer a = get(path);
        assertThat(a.status()).as(path).isEqualTo(404);
        assertThat(text(a)).doesNotContain("\"openapi\"");
    }

    @Test
    void pathChecks_acceptPlainNamesOnly() {
        assertThat(StaticFiles.contentType("js/app.js")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(StaticFiles.contentType("js/../app.js")).isNull();
        assertThat(StaticFiles.contentType("README")).isNull();
        assertThat(StaticFiles.contentType("x.class")).isNull();
        assertThat(StaticFiles.contentType("")).isNull();
    }

    @Test
    void overHttps_theConsoleIsOpen_andEncodedTraversalIsRefused(@TempDir Path dir) throws Exception {
        try (LiveServer server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0)))) {
            SSLContext tls = trustOnly(new DevPki.Layout(dir).ca());
            String page = raw(tls, server.httpsPort(), "/");
            assertThat(page).startsWith("HTTP/1.1 200").containsIgnoringCase("content-security-policy: default-src 'self'")
                    .contains("<title>Keyhold console</title>");
            for (String path : List.of("/console/../openapi/base.json", "/console/%2e%2e/openapi/base.json",
                    "/console/%2E%2E%2Fopenapi%2Fbase.json", "/console/js/..%2f..%2fopenapi/base.json",
                    "/console/..%5copenapi%5cbase.json")) {
                String answer = raw(tls, server.httpsPort(), path);
                assertThat(answer).as(path).startsWith("HTTP/1.1 404").doesNotContain("\"openapi\"");
            }
            assertThat(raw(tls, server.httpsPort(), "/v1/objects")).as("the API still needs credentials")
                    .startsWith("HTTP/1.1 401");
        }
    }

    /** One request sent as written (no client normalizes the path), without a client certificate. */
    private static String raw(SSLContext tls, int port, String path) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static SSLContext trustOnly(Path caPem) throws Exception {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        try (InputStream is = new FileInputStream(caPem.toFile())) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(is)) {
                ts.setCertificateEntry("ca" + i++, (X509Certificate) c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
