package dev.tally.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium with a fresh profile, driven through the system's chromedriver. Nothing is
 * downloaded: the paths are given, so Selenium Manager never runs. They are Debian's
 * ({@code apt-get install chromium chromium-driver}), or {@code TALLY_CHROMIUM} and
 * {@code TALLY_CHROMEDRIVER} when set.
 *
 * <p>{@link #close()} quits the browser, stops chromedriver, kills whatever still runs with this
 * profile (a browser that did not quit) and deletes the profile.
 */
public final class HeadlessChromium implements AutoCloseable {
    // Selenium looks for DevTools bindings matching the browser's version and warns that there are none:
    // this fixture speaks WebDriver only. Held here because java.util.logging forgets unreferenced loggers.
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
    }

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * @param acceptLanguages the browser's language preferences, sent as Accept-Language, e.g. {@code de-CH,de};
     *                        the first is also its own language, which pages see in {@code navigator.language}
     *                        and {@code Intl} formats numbers and dates with
     * @param windowWidth     the window's width in CSS pixels
     * @param windowHeight    the window's height in CSS pixels
     */
    public static HeadlessChromium start(String acceptLanguages, int windowWidth, int windowHeight) throws IOException {
        Path browser = executable("TALLY_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("TALLY_CHROMEDRIVER", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("tally-chromium-");
        String language = acceptLanguages.split("[,;]", 2)[0].trim();
        ChromeOptions options = new ChromeOptions()
                .setBinary(browser.toFile())
                .addArguments(
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        // No traffic but the test's: no updates, sync, crash uploads or QUIC probing.
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-breakpad", "--no-first-run", "--disable-quic", "--lang=" + language,
                        "--window-size=" + windowWidth + "," + windowHeight,
                        "--user-data-dir=" + profile);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            stop(service, profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** What the pages wrote to the console (and the browser's own errors, such as failed requests) since the last call. */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** The viewport as PNG, written to {@code file}. */
    public void screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            stop(service, profile);
        }
    }

    private static void stop(ChromeDriverService service, Path profile) {
        try {
            service.stop();
        } finally {
            killBrowsersUsing(profile);
            deleteRecursively(profile);
        }
    }

    /** Browser processes of this profile still alive (quit failed or never ran), with their helpers. */
    private static void killBrowsersUsing(Path profile) {
        String flag = "--user-data-dir=" + profile;
        List<ProcessHandle> browsers = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(line -> line.contains(flag)).orElse(false))
                .toList();
        for (ProcessHandle browser : browsers) {
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
        }
    }

    private static Path executable(String variable, String fallback) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is not an executable. Install Chromium and its driver"
                    + " (Debian: apt-get install chromium chromium-driver) or set " + variable + ".");
        }
        return path;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A profile left in the temp directory harms nothing.
        }
    }
}
