package io.keyhold.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyhold.server.auth.ApiTokens;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.TicketRights;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.LiveServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console end to end in headless Chromium: an administrator signs in with an API token, creates an
 * AES key through the form, finds it in the object list, activates, revokes and destroys it (each confirmed in
 * the dialog), sees its state change, and finds the Create and Revoke records in the audit log whose hash chain
 * the page reports intact; another client sees the refusals of the administrators' pages with their detail. Names are shown as text, never markup. With {@code -Dkeyhold.screenshots.dir=DIR}
 * it saves the main pages as PNG files there (docs/console/).
 *
 * <p>Needs the Debian packages chromium and chromium-driver; without them the test is skipped, unless
 * {@code KEYHOLD_REQUIRE_BROWSER=1} (as in CI), where it fails.
 */
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void administrator_createsFindsActivatesRevokesAndDestroysAKey_andSeesItInTheAuditLog() throws Exception {
        requireBrowser();
        Path screenshots = screenshotDirectory();
        try (LiveServer server = LiveServer.start(dir, false, c -> c.withHttp(ServerConfig.Http.on("127.0.0.1", 0))
                .withAccess(new ServerConfig.Access(List.of("client1"))))) {
            String token = new ApiTokens(server.assembly().store(), Clock.systemUTC())
                    .create(new Identity("client1"), TicketRights.UNRESTRICTED, null, "console test").token();
            String base = "https://localhost:" + server.httpsPort();
            Rest rest = new Rest(base, token, trustOnly(new DevPki.Layout(dir).ca()));
            // a few objects beside the one the test makes, one of them named like markup
            rest.post("/v1/objects/keys", "{\"algorithm\":\"AES\",\"length\":256,\"name\":\"payments\",\"activate\":true}");
            rest.post("/v1/objects/keys", "{\"algorithm\":\"HMAC-SHA256\",\"length\":256,\"name\":\"webhooks-mac\"}");
            rest.post("/v1/objects", "{\"type\":\"Secret Data\",\"material\":\"ZGItcGFzc3dvcmQ=\",\"name\":\"db-password\"}");
            rest.post("/v1/objects/keys", "{\"algorithm\":\"AES\",\"length\":128,\"name\":\"<b id=injected>bold</b>\"}");

            WebDriver driver = startChromium();
            try {
                WebDriverWait wait = new WebDriverWait(driver, WAIT);
                driver.get(base + "/");

                // sign in: without a client certificate the console asks for a token
                WebElement tokenInput = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
                tokenInput.sendKeys(token);
                driver.findElement(By.id("signin")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stat-server")));
                assertThat(driver.findElement(By.id("stat-server")).getText())
                        .contains(rest.get("/v1/status").get("version").asText());
                assertThat(driver.findElement(By.id("who-name")).getText()).contains("API token");

                // create "orders" through the form
                driver.findElement(By.cssSelector("#nav a[data-page=create]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-name"))).sendKeys("orders");
                new Select(driver.findElement(By.id("key-algorithm"))).selectByValue("AES");
                new Select(driver.findElement(By.id("key-length"))).selectByValue("256");
                driver.findElement(By.id("create-submit")).click();
                String id = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("object-id"))).getText();
                assertThat(id).isNotBlank();
                assertThat(driver.findElement(By.id("flash")).getText()).contains("Created").contains(id);
                assertThat(rest.get("/v1/objects/" + id).get("name").asText()).isEqualTo("orders");

                // find it in the list by its name
                driver.findElement(By.cssSelector("#nav a[data-page=objects]")).click();
                WebElement nameFilter = wait.until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#object-filters input[name=name]")));
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-count"), "of 5"));
                assertThat(driver.findElement(By.id("objects")).getText()).contains("<b id=injected>bold</b>");
                assertThat(driver.findElements(By.id("injected"))).as("a name is text, never markup").isEmpty();
                screenshot(driver, screenshots, "objects");
                nameFilter.sendKeys("orders");
                driver.findElement(By.id("search")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-count"), "1–1 of 1"));
                List<WebElement> links = driver.findElements(By.cssSelector("#objects a.object-link"));
                assertThat(links).extracting(WebElement::getText).containsExactly("orders");
                links.get(0).click();

                // activate, then revoke, each confirmed in the dialog
                wait.until(ExpectedConditions.textToBe(By.cssSelector("#object-state .badge"), "Pre-Active"));
                assertThat(driver.findElement(By.id("object-id")).getText()).isEqualTo(id);
                driver.findElement(By.cssSelector("button[data-action=activate]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("#object-state .badge"), "Active"));

                driver.findElement(By.cssSelector("button[data-action=revoke]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("revoke-message"))).sendKeys("retired");
                new Select(driver.findElement(By.id("revoke-reason"))).selectByValue("Cessation of Operation");
                driver.findElement(By.id("confirm-cancel")).click();
                wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
                assertThat(driver.findElement(By.cssSelector("#object-state .badge")).getText())
                        .as("a cancelled dialog changes nothing").isEqualTo("Active");
                driver.findElement(By.cssSelector("button[data-action=revoke]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("revoke-message"))).sendKeys("retired");
                driver.findElement(By.id("confirm-ok")).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("#object-state .badge"), "Deactivated"));
                assertThat(rest.get("/v1/objects/" + id).get("state").asText()).isEqualTo("Deactivated");
                assertThat(driver.findElement(By.id("object-dates")).getText()).contains("Activation Date")
                        .contains("Deactivation Date");
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("#object-audit tr[data-operation=Revoke]")));
                screenshot(driver, screenshots, "object");
                driver.findElement(By.cssSelector("button[data-action=destroy]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("#object-state .badge"), "Destroyed"));
                assertThat(driver.findElements(By.cssSelector("button[data-action=destroy]"))).isEmpty();

                // the audit log: the Create and the Revoke of the key, the chain intact
                driver.findElement(By.cssSelector("#nav a[data-page=audit]")).click();
                wait.until(ExpectedConditions.attributeToBe(By.id("audit-verify"), "data-intact", "true"));
                String link = "a[href='#/objects/" + id + "']";
                assertThat(driver.findElements(By.cssSelector("#audit-records tr[data-operation=Create] " + link))).hasSize(1);
                assertThat(driver.findElements(By.cssSelector("#audit-records tr[data-operation=Activate] " + link))).hasSize(1);
                assertThat(driver.findElements(By.cssSelector("#audit-records tr[data-operation=Revoke] " + link))).hasSize(1);
                assertThat(driver.findElements(By.cssSelector("#audit-records tr[data-operation=Destroy] " + link))).hasSize(1);
                screenshot(driver, screenshots, "audit");

                // register secret data through the form: bad base64 is refused before anything is sent
                driver.findElement(By.cssSelector("#nav a[data-page=register]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("register-material"))).sendKeys("not base64!");
                driver.findElement(By.id("register-name")).sendKeys("api-password");
                driver.findElement(By.id("register-submit")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "must be base64"));
                WebElement material = driver.findElement(By.id("register-material"));
                material.clear();
                material.sendKeys("c2VjcmV0LXZhbHVl");
                driver.findElement(By.id("register-submit")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-summary"), "Secret Data"));
                assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("api-password");

                // the connections page
                driver.findElement(By.cssSelector("#nav a[data-page=connections]")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("main"), "HTTPS CONNECTIONS"));

                // the dashboard: status and charts of the KMIP traffic sampled from /metrics
                AtomicBoolean traffic = new AtomicBoolean(screenshots != null);
                Thread load = new Thread(() -> {
                    while (traffic.get()) {
                        try {
                            rest.get("/v1/objects?limit=5");
                            Thread.sleep(150);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                load.setDaemon(true);
                load.start();
                driver.findElement(By.cssSelector("#nav a[data-page=dashboard]")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stat-storage")));
                assertThat(driver.findElement(By.id("stat-storage")).getText()).contains("up");
                int samples = screenshots != null ? 6 : 1;
                new WebDriverWait(driver, Duration.ofSeconds(10L + 6L * samples)).until(d -> Integer.parseInt(
                        d.findElement(By.id("chart-rate")).getDomAttribute("data-samples")) >= samples);
                traffic.set(false);
                load.join(5_000);
                assertThat(driver.findElement(By.id("chart-rate-now")).getText()).endsWith("/s");
                screenshot(driver, screenshots, "dashboard");

                // another client: no audit trail on its object's page, the audit page's refusal shown with its detail
                String token2 = new ApiTokens(server.assembly().store(), Clock.systemUTC())
                        .create(new Identity("client2"), TicketRights.UNRESTRICTED, null, "console test").token();
                String id2 = new Rest(base, token2, rest.tls).post("/v1/objects/keys",
                        "{\"algorithm\":\"AES\",\"length\":256,\"name\":\"client2-key\"}").get("id").asText();
                driver.findElement(By.id("sign-out")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("kh_unknown_token");
                driver.findElement(By.id("signin")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "Sign-in failed"));
                WebElement again = driver.findElement(By.id("token"));
                again.clear();
                again.sendKeys(token2);
                driver.findElement(By.id("signin")).click();
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stat-server")));
                driver.get(base + "/#/objects/" + id2);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("object-audit"), "administrators only"));
                driver.get(base + "/#/objects/" + id);
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "(404)"));
                driver.findElement(By.cssSelector("#nav a[data-page=audit]")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("flash"), "(403)"));
                assertThat(driver.findElement(By.id("flash")).getText()).contains("Not allowed")
                        .contains("is for administrators (access.administrators)");

                assertNoScriptErrors(driver);
            } finally {
                driver.quit();
            }
        }
    }

    private static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String reason = "the console's browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian packages chromium and chromium-driver)";
            if ("1".equals(System.getenv("KEYHOLD_REQUIRE_BROWSER"))) {
                fail(reason + ", and KEYHOLD_REQUIRE_BROWSER=1");
            }
            Assumptions.assumeTrue(false, reason + "; skipped (set KEYHOLD_REQUIRE_BROWSER=1 to fail instead)");
        }
    }

    private static Path screenshotDirectory() throws Exception {
        String dir = System.getProperty("keyhold.screenshots.dir");
        if (dir == null || dir.isBlank()) {
            return null;
        }
        return Files.createDirectories(Path.of(dir));
    }

    private static WebDriver startChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--ignore-certificate-errors", "--window-size=1280,1000",
                "--force-device-scale-factor=1", "--lang=en-US", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, Path dir, String name) throws Exception {
        if (dir == null) {
            return;
        }
        // the pointer may rest on a row; move focus away so that nothing is highlighted
        ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        Files.write(dir.resolve(name + ".png"),
                ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** No uncaught exception and no Content-Security-Policy violation in the page (the refusals asked for aside). */
    private static void assertNoScriptErrors(WebDriver driver) {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            String m = e.getMessage();
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !m.matches("(?s).*Failed to load resource: the server responded with a status of 40[134].*")) {
                errors.add(m);
            }
        }
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    /** The REST API as client1's token, for the test's own setup and checks. */
    private static final class Rest {
        private final String base;
        private final String token;
        private final SSLContext tls;
        private final HttpClient client;

        Rest(String base, String token, SSLContext tls) {
            this.base = base;
            this.token = token;
            this.tls = tls;
            this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        }

        JsonNode send(String method, String path, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
            return r.body().isEmpty() ? null : JSON.readTree(r.body());
        }

        JsonNode get(String path) throws Exception {
            return send("GET", path, null);
        }

        JsonNode post(String path, String body) throws Exception {
            return send("POST", path, body);
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
