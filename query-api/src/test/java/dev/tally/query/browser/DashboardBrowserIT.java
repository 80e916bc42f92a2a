package dev.tally.query.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.query.QueryApp;
import dev.tally.query.answer.Dimension;
import dev.tally.query.it.QueryFixture;
import dev.tally.query.testdata.CassandraFixtureWriter;
import dev.tally.query.testdata.RollupFixture;
import dev.tally.query.testdata.TestEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import dev.tally.testsupport.HeadlessChromium;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in headless Chromium against the query API and the real Cassandra: the numbers on the
 * page are the numbers of the events written, and a page path an attacker sent as
 * {@code <img src=x onerror=alert(1)>} is shown as text and runs nothing.
 */
class DashboardBrowserIT {
    private static final Duration LOAD = Duration.ofSeconds(30);
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-11-22T16:20:10Z");
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final String KEY = Site.newKey();

    private static String siteId;
    private static RollupFixture fixture;
    private static QueryApp app;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        LocalCluster cluster = TestCluster.shared();
        String keyspace = TestCluster.uniqueName("dash_");
        siteId = TestCluster.uniqueName("blog_").replace('_', '-');
        List<TestEvent> events = new ArrayList<>();
        Instant weekStart = LocalDate.of(2026, 11, 16).atStartOfDay(ZONE).toInstant();
        for (int i = 0; i < 240; i++) {
            Instant time = weekStart.plusSeconds(i * 2_300L);
            String page = i % 7 == 0 ? HOSTILE : i % 3 == 0 ? "/pricing" : "/";
            events.add(TestEvent.pageview(time, "visitor-" + (i % 45), page).with(Dimension.BROWSER, i % 2 == 0 ? "Firefox" : "Chrome").build());
            if (i % 10 == 0) {
                events.add(TestEvent.custom(time.plusSeconds(5), "visitor-" + (i % 45), page, "signup", 12.5).build());
            }
        }
        for (int i = 0; i < 4; i++) {
            events.add(TestEvent.pageview(NOW.minusSeconds(20L + 60L * i), "live-" + i, "/").build());
        }
        fixture = new RollupFixture(events);
        try (CqlSession session = cluster.cassandra().sessionBuilder().withConfigLoader(TestCluster.testDriverConfig().build()).build()) {
            new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
            new SiteTable(session, keyspace, ConsistencyLevel.ONE).save(
                    new Site(siteId, Set.of("blog.example"), ZONE, IdentityMode.COOKIELESS, 30, Site.hashKey(KEY)));
            new CassandraFixtureWriter(session, keyspace, new Stripes(8)).writeRollups(siteId, fixture);
        }
        app = QueryFixture.start(cluster, keyspace, Clock.fixed(NOW, ZoneOffset.UTC));
        browser = HeadlessChromium.start("en-US", 1280, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static void open(String query) {
        ChromeDriver driver = browser.driver();
        driver.get(app.url() + "/");
        driver.executeScript("localStorage.setItem('tally.siteKeys', JSON.stringify({[arguments[0]]: arguments[1]}));", siteId, KEY);
        driver.get(app.url() + "/" + query);
        awaitLoaded(driver);
    }

    private static void awaitLoaded(ChromeDriver driver) {
        await().atMost(LOAD).until(() -> driver.findElement(By.tagName("body")).getAttribute("data-loaded") != null);
    }

    private static long number(String id) {
        return Long.parseLong(browser.driver().findElement(By.id(id)).getText().replace(",", ""));
    }

    @Test
    void the_dashboard_shows_the_numbers_that_were_sent_and_hostile_text_as_text() throws Exception {
        open("?site=" + siteId + "&period=7d");
        ChromeDriver driver = browser.driver();
        browser.screenshot(Path.of("target", "browser", "dashboard-7d.png"));
        Instant from = LocalDate.of(2026, 11, 16).atStartOfDay(ZONE).toInstant();
        Instant to = LocalDate.of(2026, 11, 23).atStartOfDay(ZONE).toInstant();
        RollupFixture.Truth truth = fixture.truth(from, to, Dimension.TOTAL, "");

        assertThat(number("pageviews-value")).isEqualTo(truth.pageviews());
        assertThat(number("events-value")).isEqualTo(truth.customEvents());
        assertThat(number("visitors-value")).isEqualTo(fixture.minuteSum(from, to, Dimension.TOTAL, "").visitors());

        WebElement pages = driver.findElement(By.id("breakdown-page"));
        List<String> labels = pages.findElements(By.cssSelector("td.label")).stream().map(WebElement::getText).toList();
        assertThat(labels).contains(HOSTILE, "/pricing", "/");
        WebElement hostileRow = pages.findElements(By.cssSelector("tbody tr")).stream()
                .filter(row -> row.findElement(By.cssSelector("td.label")).getText().equals(HOSTILE)).findFirst().orElseThrow();
        long hostileViews = Long.parseLong(hostileRow.findElement(By.cssSelector("td[data-metric=pageviews]")).getText().replace(",", ""));
        assertThat(hostileViews).isEqualTo(fixture.truth(from, to, Dimension.PAGE, HOSTILE).pageviews());
        // Shown as text: no element was made from it, and nothing ran.
        assertThat(driver.findElements(By.cssSelector("#tables img"))).isEmpty();
        assertThat(catchAlert(driver)).isFalse();

        assertThat(driver.getCurrentUrl()).contains("site=" + siteId).contains("period=7d");
        assertThat(driver.findElement(By.id("rows-read")).getText()).startsWith("Answered from ");
    }

    @Test
    void realtime_mode_shows_the_last_five_minutes_and_keeps_it_in_the_url() {
        open("?site=" + siteId + "&period=30d");
        ChromeDriver driver = browser.driver();
        String before = driver.findElement(By.tagName("body")).getAttribute("data-loaded");
        driver.findElement(By.cssSelector("button[data-period=realtime]")).click();
        await().atMost(LOAD).until(() -> !before.equals(driver.findElement(By.tagName("body")).getAttribute("data-loaded")));
        Instant to = Instant.parse("2026-11-22T16:21:00Z");
        RollupFixture.Truth truth = fixture.truth(to.minusSeconds(300), to, Dimension.TOTAL, "");
        assertThat(number("pageviews-value")).isEqualTo(truth.pageviews()).isEqualTo(4);
        assertThat(number("visitors-value")).isEqualTo(truth.distinctVisitors());
        assertThat(driver.getCurrentUrl()).contains("period=realtime");
        assertThat(driver.findElement(By.id("realtime-note")).isDisplayed()).isTrue();
    }

    @Test
    void a_link_with_the_key_in_its_fragment_opens_the_site_keeps_the_key_and_drops_it_from_the_address() {
        ChromeDriver driver = browser.driver();
        driver.get(app.url() + "/");
        driver.executeScript("localStorage.clear();");
        driver.get("about:blank"); // as a link opened in a new tab: a full page load
        driver.get(app.url() + "/?site=" + siteId + "&period=7d#key=" + KEY);
        awaitLoaded(driver);
        Instant from = LocalDate.of(2026, 11, 16).atStartOfDay(ZONE).toInstant();
        Instant to = LocalDate.of(2026, 11, 23).atStartOfDay(ZONE).toInstant();

        assertThat(number("pageviews-value")).isEqualTo(fixture.truth(from, to, Dimension.TOTAL, "").pageviews());
        assertThat(driver.getCurrentUrl()).contains("site=" + siteId).doesNotContain(KEY).doesNotContain("#");
        assertThat((String) driver.executeScript("return localStorage.getItem('tally.siteKeys');")).contains(KEY);
    }

    @Test
    void a_wrong_key_is_refused_with_a_message_and_no_numbers() {
        ChromeDriver driver = browser.driver();
        driver.get(app.url() + "/");
        driver.executeScript("localStorage.setItem('tally.siteKeys', JSON.stringify({[arguments[0]]: 'tk_wrong'}));", siteId);
        driver.get(app.url() + "/?site=" + siteId + "&period=today");
        await().atMost(LOAD).until(() -> !driver.findElement(By.id("status")).getText().isEmpty());
        assertThat(driver.findElement(By.id("status")).getText()).contains("refused");
        assertThat(driver.findElement(By.id("pageviews-value")).getText()).isEqualTo("–");
    }

    private static boolean catchAlert(ChromeDriver driver) {
        try {
            driver.switchTo().alert().dismiss();
            return true;
        } catch (NoAlertPresentException e) {
            return false;
        }
    }
}
