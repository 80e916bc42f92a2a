package dev.tally.query.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium with a fresh profile, driven through the system's chromedriver, found as the
 * gateway's browser test finds it: Debian's paths ({@code apt-get install chromium chromium-driver}) or
 * {@code TALLY_CHROMIUM} and {@code TALLY_CHROMEDRIVER}. Nothing is downloaded.
 */
final class HeadlessChromium implements AutoCloseable {
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

    static HeadlessChromium start() throws IOException {
        Path browser = executable("TALLY_CHROMIUM", "/usr/bin/chromium");
        Path chromedriver = executable("TALLY_CHROMEDRIVER", "/usr/bin/chromedriver");
        Path profile = Files.createTempDirectory("tally-dashboard-chromium-");
        ChromeOptions options = new ChromeOptions()
                .setBinary(browser.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-breakpad", "--no-first-run", "--disable-quic", "--lang=en-US",
                        "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/dashboard-chromedriver.log"))
                .build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            stop(service, profile);
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    void screenshot(Path file) throws IOException {
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
            String flag = "--user-data-dir=" + profile;
            List<ProcessHandle> browsers = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(line -> line.contains(flag)).orElse(false))
                    .toList();
            for (ProcessHandle browser : browsers) {
                browser.descendants().forEach(ProcessHandle::destroyForcibly);
                browser.destroyForcibly();
            }
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // A profile left in the temp directory harms nothing.
            }
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
}
