package dev.tally.gateway.ingest;

import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared test data and in-memory fakes for the ingest package: registered sites, daily salts, and a
 * builder for {@link EventInput} whose defaults are a valid page view on {@link #SITE_ID}.
 */
final class Fixtures {
    /** The fixed receive time of every event unless a test says otherwise. */
    static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(10);
    static final int RETENTION_DAYS = 30;

    static final String SITE_ID = "example.com";
    /** The fixture site's key; only its hash is stored in the {@link Site}, as in production. */
    static final String SITE_KEY = Site.newKey();
    /** A cookie-mode site on its own host. */
    static final String COOKIE_SITE_ID = "shop";
    /** A site allowing {@code *.acme.test}: every subdomain and the domain itself. */
    static final String WILDCARD_SITE_ID = "acme";

    static final String PAGE_URL = "https://example.com/pricing";
    static final String VISITOR_IP = "203.0.113.7";
    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    /** Query parameters the UrlCleaner keeps besides utm_*. */
    static final Set<String> KEPT_PARAMETERS = Set.of("ref", "q");

    private Fixtures() {}

    static Site site(String id, IdentityMode mode, String... hostnames) {
        return new Site(id, Set.of(hostnames), ZoneId.of("Europe/Zurich"), mode, RETENTION_DAYS, Site.hashKey(SITE_KEY));
    }

    /** example.com (cookieless, exact hosts), shop (cookie mode), acme (wildcard hosts). */
    static FakeSites standardSites() {
        return new FakeSites()
                .add(site(SITE_ID, IdentityMode.COOKIELESS, "example.com", "www.example.com"))
                .add(site(COOKIE_SITE_ID, IdentityMode.COOKIE, "shop.example.net"))
                .add(site(WILDCARD_SITE_ID, IdentityMode.COOKIELESS, "*.acme.test"));
    }

    static EventFactory factory(SiteDirectory sites, DailySalts salts, boolean storeClientIp) {
        return new EventFactory(sites, new VisitorIdentity(salts), new UrlCleaner(KEPT_PARAMETERS), MAX_CLOCK_SKEW, storeClientIp);
    }

    /** The factory as configured by default: standard sites, random daily salts, no IP storage. */
    static EventFactory factory() {
        return factory(standardSites(), new CountingSalts(), false);
    }

    static Builder event() {
        return new Builder();
    }

    static EventInput.RequestInfo request() {
        return new Builder().build().request();
    }

    /** A Map-backed site directory. */
    static final class FakeSites implements SiteDirectory {
        private final Map<String, Site> sites = new LinkedHashMap<>();

        FakeSites add(Site site) {
            sites.put(site.id(), site);
            return this;
        }

        @Override
        public Optional<Site> find(String siteId) {
            return Optional.ofNullable(sites.get(siteId));
        }

        @Override
        public boolean anyAllowsHost(String host) {
            return sites.values().stream().anyMatch(site -> site.allowsHost(host));
        }
    }

    /**
     * A random salt per UTC day, kept for the fake's lifetime (like the shared salt table), counting how
     * often each day was asked for. Two VisitorIdentity instances given one fake behave like two gateways
     * sharing the salt store; two fakes behave like gateways that do not.
     */
    static final class CountingSalts implements DailySalts {
        private final Map<LocalDate, byte[]> salts = new ConcurrentHashMap<>();
        private final Map<LocalDate, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public byte[] saltFor(LocalDate day) {
            calls.computeIfAbsent(day, d -> new AtomicInteger()).incrementAndGet();
            return salts.computeIfAbsent(day, d -> {
                byte[] salt = new byte[32];
                ThreadLocalRandom.current().nextBytes(salt);
                return salt;
            }).clone();
        }

        int calls(LocalDate day) {
            AtomicInteger count = calls.get(day);
            return count == null ? 0 : count.get();
        }

        int totalCalls() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        List<LocalDate> daysAsked() {
            return calls.keySet().stream().sorted().toList();
        }
    }

    /** An {@link EventInput} builder; the defaults make an accepted page view. */
    static final class Builder {
        private String site = SITE_ID;
        private String url = PAGE_URL;
        private String referrer = "https://news.example.org/story";
        private String title = "Pricing";
        private String name;
        private String screenWidth = "1280";
        private String value;
        private String currency;
        private Map<String, String> props = Map.of();
        private String clientTime;
        private String clientIp = VISITOR_IP;
        private String userAgent = USER_AGENT;
        private String acceptLanguage = "de-CH,de;q=0.9,en;q=0.8";
        private String visitorCookie;
        private boolean visitorCookieNew;
        private String siteKey;
        private Instant receivedAt = NOW;

        Builder site(String site) {
            this.site = site;
            return this;
        }

        Builder url(String url) {
            this.url = url;
            return this;
        }

        Builder referrer(String referrer) {
            this.referrer = referrer;
            return this;
        }

        Builder title(String title) {
            this.title = title;
            return this;
        }

        Builder name(String name) {
            this.name = name;
            return this;
        }

        Builder screenWidth(String screenWidth) {
            this.screenWidth = screenWidth;
            return this;
        }

        Builder value(String value) {
            this.value = value;
            return this;
        }

        Builder currency(String currency) {
            this.currency = currency;
            return this;
        }

        Builder props(Map<String, String> props) {
            this.props = props;
            return this;
        }

        Builder clientTime(String clientTime) {
            this.clientTime = clientTime;
            return this;
        }

        Builder clientTime(Instant clientTime) {
            return clientTime(clientTime.toString());
        }

        Builder clientIp(String clientIp) {
            this.clientIp = clientIp;
            return this;
        }

        Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        Builder acceptLanguage(String acceptLanguage) {
            this.acceptLanguage = acceptLanguage;
            return this;
        }

        /** The visitor cookie as RequestInfos passes it: the browser's, or a fresh one ({@code isNew}). */
        Builder visitorCookie(String visitorCookie, boolean isNew) {
            this.visitorCookie = visitorCookie;
            this.visitorCookieNew = isNew;
            return this;
        }

        Builder siteKey(String siteKey) {
            this.siteKey = siteKey;
            return this;
        }

        Builder receivedAt(Instant receivedAt) {
            this.receivedAt = receivedAt;
            return this;
        }

        EventInput build() {
            return new EventInput(site, url, referrer, title, name, screenWidth, value, currency, props, clientTime,
                    new EventInput.RequestInfo(clientIp, userAgent, acceptLanguage, visitorCookie, visitorCookieNew, siteKey, receivedAt));
        }
    }
}
