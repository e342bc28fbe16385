package org.shouhu.gateway.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium at a phone's width (360 CSS px, zh-CN) that keeps the page's console errors
 * and takes screenshots; it takes a second or two to start, so open one per test class
 * ({@code @BeforeAll}) and close it in {@code @AfterAll}.
 */
public final class Browser implements AutoCloseable {

    /** A common Android phone's viewport width in CSS px: the volunteers' and captains' phones. */
    public static final int PHONE_WIDTH = 360;
    /** The coordinator's office PC. */
    public static final int OFFICE_WIDTH = 1280;
    /** Both widths get the height of a 360×800 phone screen: a screenshot is one phone screen. */
    public static final int HEIGHT = 800;
    /** How long the waiting helpers wait unless told: a page of our own on loopback answers in milliseconds. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    /** The directory a screenshot is always written to (a Maven build's own target). */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    /** Names a second directory for screenshots, e.g. -Dshouhu.screenshots=../docs/console for docs/console.md. */
    public static final String SCREENSHOTS_PROPERTY = "shouhu.screenshots";

    /**
     * ChromiumDriver looks for a selenium-devtools jar of the browser's version and warns that there is
     * none: Browser uses none (the console log and the viewport go through chromedriver), so the warning
     * is noise. Held here because java.util.logging keeps its loggers only weakly.
     */
    private static final java.util.logging.Logger CDP_VERSION_WARNING =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_WARNING.setLevel(Level.SEVERE);
    }

    private final ChromeDriver driver;

    /** A browser at {@link #PHONE_WIDTH}. */
    public Browser() {
        this(PHONE_WIDTH);
    }

    /** A browser whose pages are {@code width} CSS px wide. */
    public Browser(int width) {
        ChromiumPackages.ensureInstalled();
        // Both paths are given, so Selenium Manager is never asked to find (or download) a driver or a browser.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(ChromiumPackages.DRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ChromiumPackages.BROWSER.toFile());
        options.addArguments(
                "--headless=new",
                // CI runs as root, and Chromium's sandbox refuses to start as root.
                "--no-sandbox",
                // /dev/shm is small in containers; Chromium crashes when it fills up.
                "--disable-dev-shm-usage",
                // chromedriver already turns off background networking, sync and the first-run page;
                // component updates still reach out on their own, and tests call nothing outside.
                "--disable-component-update",
                // a phone's scrollbars float over the page: without this a long page lays out 15 px narrower
                "--hide-scrollbars",
                "--lang=zh-CN");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "zh-CN,zh"));
        // chromedriver keeps what the page writes to its console, and its uncaught exceptions, in the
        // "browser" log; SEVERE is console.error, uncaught errors and resources that failed to load.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.SEVERE);
        options.setCapability("goog:loggingPrefs", logs);
        driver = new ChromeDriver(service, options);
        try {
            width(width);
        } catch (RuntimeException e) {
            driver.quit(); // a browser that failed to start is not left running
            throw e;
        }
    }

    /** Loads {@code url} and waits for its load event (WebDriver's default page load strategy). */
    public void open(String url) {
        driver.get(url);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Makes pages {@code width} CSS px wide, e.g. {@link #OFFICE_WIDTH}; the page reflows as on a resize.
     * The tab keeps it across page loads (not a tab the page opens itself).
     */
    public void width(int width) {
        // Not --window-size or a window resize: headless Chromium 156 keeps a window at least 500 px
        // wide (measured: innerWidth 500 for --window-size=360,800, once the window has settled).
        // The DevTools override sets the page's viewport itself, at any width. mobile=false: with true,
        // a page without <meta name=viewport> is laid out 980 px wide, as a phone does; the console's
        // pages carry that tag, and a plain page (/health/live) then stays at the given width too.
        // chromedriver runs the command itself, so no selenium-devtools jar is needed.
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", HEIGHT,
                "deviceScaleFactor", 1, "mobile", false, "screenWidth", width, "screenHeight", HEIGHT));
    }

    /** The page's {@code window.innerWidth}: the width its CSS media queries see. */
    public long innerWidth() {
        return ((Number) script("return window.innerWidth")).longValue();
    }

    /** Runs JavaScript in the page and returns what it returns. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The text of the page's body, as a person sees it. */
    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /**
     * The console errors and uncaught exceptions of the pages since the last call, and forgets them
     * (chromedriver hands each log entry out once). A test asserts this is empty.
     */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue() && !browsersOwnFavicon(entry.getMessage())) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /**
     * The browser asks every site for /favicon.ico unasked, and logs its 404 as an error ("http://…/favicon.ico
     * - Failed to load resource: …"); an icon link of the page to another path that fails is still an error.
     */
    private static boolean browsersOwnFavicon(String message) {
        return message.matches("https?://[^/\\s]+/favicon\\.ico - Failed to load resource: .*");
    }

    /**
     * Writes a PNG of what the page shows now to target/screenshots/{@code name}.png and, when
     * -Dshouhu.screenshots names a directory, there too; returns the first.
     */
    public Path screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Path file = write(SCREENSHOTS, name, png);
        String extra = System.getProperty(SCREENSHOTS_PROPERTY);
        if (extra != null && !extra.isBlank()) {
            Path dir = Path.of(extra);
            // a relative directory is taken from the module, as the Maven build runs the tests there
            write(dir.isAbsolute() ? dir : Path.of(System.getProperty("basedir", ".")).resolve(dir), name, png);
        }
        return file;
    }

    private static Path write(Path dir, String name, byte[] png) {
        try {
            Files.createDirectories(dir);
            return Files.write(dir.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the screenshot " + name + " to " + dir, e);
        }
    }

    /** Waits up to {@link #WAIT} for an element to be shown. */
    public WebElement waitFor(By locator) {
        return waitFor(locator, WAIT);
    }

    /** Waits up to {@code timeout} for an element to be shown. */
    public WebElement waitFor(By locator, Duration timeout) {
        return waiting(timeout).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits up to {@link #WAIT} for an element whose text contains {@code text}. */
    public WebElement waitForText(By locator, String text) {
        return waitForText(locator, text, WAIT);
    }

    /** Waits up to {@code timeout} for an element whose text contains {@code text}, and returns it. */
    public WebElement waitForText(By locator, String text, Duration timeout) {
        waiting(timeout).until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
        return driver.findElement(locator);
    }

    /**
     * A wait that looks again when the page is being replaced under it: after a click that posts a form,
     * an element found on the old page is gone ("stale", or "does not belong to the document").
     */
    private WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.ignoring(org.openqa.selenium.WebDriverException.class);
        return wait;
    }

    /**
     * Logs {@code phone} (+86…) in at {@code gw}'s console as a person does: types the number, then the
     * code the fake provider holds for it; the caller waits for the page it expects.
     */
    public void logIn(GatewayUnderTest gw, String phone) {
        open(gw.baseUrl() + "/console/");
        waitFor(By.id("phone")).sendKeys(phone.replaceFirst("^\\+86", ""));
        driver.findElement(By.cssSelector("button[type=submit].big")).click();
        waitFor(By.id("code")); // the code is sent once the form has been answered
        driver.findElement(By.id("code")).sendKeys(new ConsoleClient(gw).codeTextedTo(phone));
        driver.findElement(By.cssSelector("button[type=submit].big")).click();
    }

    /** Asserts what every console page owes a phone: no script error since the last call, and nothing wider than 360 px. */
    public void assertFitsThePhoneWithoutErrors() {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), consoleErrors());
        org.junit.jupiter.api.Assertions.assertEquals((long) PHONE_WIDTH, innerWidth());
        org.junit.jupiter.api.Assertions.assertTrue((Long) script("return document.documentElement.scrollWidth") <= PHONE_WIDTH,
                "no sideways scrolling at 360 px");
    }

    /** The cookies the browser holds for the current page's domain. */
    public Set<Cookie> cookies() {
        return driver.manage().getCookies();
    }

    /** Ends the browser and its chromedriver. */
    @Override
    public void close() {
        driver.quit();
    }
}
