package io.cronjobguardian.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's files over real HTTP from the standalone server: content types, caching (ETag, 304), the relative
 * API root written into the page for any {@code http.dashboard.path}, redirects, 404 for unknown files, no way out
 * of the folder (raw requests, so that no client normalizes the path first), and the switch that turns it off.
 */
class DashboardAssetsTest {

    @Test
    void theFilesAreServedWithTheirTypesAndRevalidationHeaders() {
        try (Fixture f = Fixture.plain()) {
            Fixture.Reply index = f.get("/ui/");
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(index.headers().firstValue("Content-Security-Policy").orElse(""))
                    .contains("script-src 'self'").contains("connect-src 'self'").doesNotContain("unsafe");
            assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(index.body()).contains("<meta name=\"guardian-api\" content=\"../\">")
                    .doesNotContain(DashboardAssets.API_BASE_PLACEHOLDER).contains("src=\"app.js\"");
            assertThat(f.get("/ui/index.html").body()).isEqualTo(index.body());

            for (String[] file : List.of(new String[] {"app.js", "text/javascript; charset=utf-8"},
                    new String[] {"api.js", "text/javascript; charset=utf-8"},
                    new String[] {"charts.js", "text/javascript; charset=utf-8"},
                    new String[] {"dom.js", "text/javascript; charset=utf-8"},
                    new String[] {"style.css", "text/css; charset=utf-8"},
                    new String[] {"favicon.svg", "image/svg+xml"})) {
                Fixture.Reply r = f.get("/ui/" + file[0]);
                assertThat(r.status()).as(file[0]).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).as(file[0]).hasValue(file[1]);
                assertThat(r.body()).as(file[0]).isNotBlank();
                String etag = r.headers().firstValue("ETag").orElseThrow();
                assertThat(etag).startsWith("\"").endsWith("\"");
                Fixture.Reply again = f.send("GET", "/ui/" + file[0], null, List.of("If-None-Match", etag));
                assertThat(again.status()).as(file[0] + " revalidated").isEqualTo(304);
                assertThat(again.body()).isEmpty();
                Fixture.Reply changed = f.send("GET", "/ui/" + file[0], null, List.of("If-None-Match", "\"other\""));
                assertThat(changed.status()).isEqualTo(200);
            }
            Fixture.Reply head = f.send("HEAD", "/ui/app.js", null, List.of());
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void unknownFilesAre404AndOtherMethods405() {
        try (Fixture f = Fixture.plain()) {
            for (String missing : List.of("/ui/nope.js", "/ui/app.jsx", "/ui/README", "/ui/App.js", "/ui/.hidden.js",
                    "/ui/sub/app.js", "/ui/app.js/")) {
                Fixture.Reply r = f.get(missing);
                assertThat(r.status()).as(missing).isEqualTo(404);
                assertThat(r.headers().firstValue("Content-Type")).as(missing).hasValue(HttpResponse.JSON);
            }
            Fixture.Reply post = f.send("POST", "/ui/app.js", "x", List.of());
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void thePathWithoutItsSlashRedirectsRelativelyToThePage() {
        try (Fixture f = Fixture.plain()) {
            Fixture.Reply r = f.get("/ui");
            assertThat(r.status()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValue("ui/");
        }
    }

    @Test
    void noRequestReachesAFileOutsideTheDashboardFolder() throws IOException {
        try (Fixture f = Fixture.plain()) {
            // the handler's own class-path neighbours and the file system, by every spelling of "up"
            for (String attack : List.of("/ui/../api/v1/openapi.yaml", "/ui/..%2fopenapi.yaml",
                    "/ui/%2e%2e/openapi.yaml", "/ui/%2e%2e%2fopenapi.yaml", "/ui/..%5copenapi.yaml",
                    "/ui/%2e%2e%2f%2e%2e%2fhttp%2fGuardianHttpHandler.class", "/ui/....//openapi.yaml",
                    "/ui//etc/passwd", "/ui/%2fetc%2fpasswd", "/ui/..%252fopenapi.yaml", "/ui/app.js%00.css",
                    "/ui/../../../../../../etc/passwd", "/ui/GuardianHttpHandler.class", "/ui/openapi.yaml")) {
                String response = raw(f.server.port(), "GET " + attack + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\n\r\n");
                String status = response.substring(0, response.indexOf("\r\n"));
                assertThat(response).as(attack).doesNotContain("openapi: ").doesNotContain("root:")
                        .doesNotContain("\u00ca\u00fe\u00ba\u00be");
                // an up-level path the server normalized away may land on an API 404; nothing is ever 200
                assertThat(status).as(attack + " -> " + status).doesNotContain(" 200 ");
            }
        }
    }

    @Test
    void aConfiguredPathServesThePageThereWithTheRelativeApiRootAndTheDefaultPathIsFree() {
        try (Fixture f = new Fixture(c -> c.set("http.dashboard.path", "/ops/guardian/"), s -> { })) {
            Fixture.Reply index = f.get("/ops/guardian/");
            assertThat(index.status()).isEqualTo(200);
            assertThat(index.body()).contains("<meta name=\"guardian-api\" content=\"../../\">");
            assertThat(f.get("/ops/guardian").headers().firstValue("Location")).hasValue("guardian/");
            assertThat(f.get("/ui/").status()).isEqualTo(404);
            assertThat(f.server.dashboardUrl()).hasValue(java.net.URI.create(f.server.url() + "/ops/guardian/"));
            assertThat(f.server.handler().dashboardPath()).hasValue("/ops/guardian");
        }
    }

    @Test
    void turnedOffTheDashboardPathIsAnUnknownEndpoint() {
        try (Fixture f = new Fixture(c -> c.set("http.dashboard.enabled", "false"), s -> { })) {
            assertThat(f.get("/ui/").status()).isEqualTo(404);
            assertThat(f.get("/ui/app.js").status()).isEqualTo(404);
            assertThat(f.server.dashboardUrl()).isEmpty();
            assertThat(f.get("/api/v1/session").json().get("dashboardPath").isNull()).isTrue();
        }
    }

    @Test
    void aBadPathGivenInCodeIsRefusedWithTheReason() {
        for (String bad : List.of("ui", "/", "/api", "/healthz/x", "/a/../b", "/a b", "/ü")) {
            assertThatThrownBy(() -> DashboardAssets.normalize(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dashboard path");
        }
        assertThat(DashboardAssets.normalize("/Ops/guardian-ui_1~x/")).isEqualTo("/Ops/guardian-ui_1~x");
    }

    /** One raw HTTP/1.1 exchange on loopback; the whole response as text (bounded: 10 s, 1 MiB). */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] bytes = in.readNBytes(1 << 20);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
