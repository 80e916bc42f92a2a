package dev.tally.aggregator.enrich;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.TrackedEvent;
import java.util.Locale;
import java.util.Set;

/**
 * Derives an {@link EnrichedEvent} from a {@link TrackedEvent}: user agent (browser, version, OS,
 * device, bot flag), normalised path and host of the page, referrer host and acquisition channel, and
 * the {@code utm_*} parameters. Pure and thread-safe; never throws on odd input (it classifies it as
 * unknown instead), so one strange event cannot stop the stream.
 *
 * <p>Channel rules, first match wins: a paid {@code utm_medium} or an ad click id ({@code gclid},
 * {@code msclkid}, ...) is {@code paid}; an email or social {@code utm_medium} is {@code email} or
 * {@code social}; a referrer on the bundled list is its {@code search}/{@code social}/{@code email}
 * channel; any other external referrer, or {@code utm_source} without a referrer, is {@code referral};
 * nothing at all is {@code direct}. A referrer on the page's own host is navigation inside the site,
 * not acquisition: it gives no referrer host.
 */
public final class Enricher {
    public static final String DIRECT = "direct";
    public static final String PAID = "paid";
    public static final String REFERRAL = "referral";

    private static final Set<String> PAID_MEDIA = Set.of(
            "cpc", "ppc", "paid", "paidsearch", "paid-search", "paid_search", "paidsocial", "paid-social", "paid_social",
            "cpm", "cpv", "cpa", "display", "banner", "ads", "ad", "retargeting");
    private static final Set<String> EMAIL_MEDIA = Set.of("email", "e-mail", "newsletter", "mail");
    private static final Set<String> SOCIAL_MEDIA = Set.of("social", "social-network", "social_network", "social-media", "sm");
    private static final String[] CLICK_IDS = {"gclid", "gbraid", "wbraid", "dclid", "msclkid"};

    private final UserAgentClassifier userAgents;
    private final ReferrerClassifier referrers;

    public Enricher(UserAgentClassifier userAgents, ReferrerClassifier referrers) {
        this.userAgents = userAgents;
        this.referrers = referrers;
    }

    public EnrichedEvent enrich(TrackedEvent event) {
        UrlParts page = UrlParts.parse(event.getUrl());
        UserAgentInfo agent = userAgents.classify(event.getUserAgent());
        String referrerHost = referrerHost(event.getReferrer(), page.host());
        String utmSource = page.parameter("utm_source");
        String utmMedium = page.parameter("utm_medium");
        return EnrichedEvent.newBuilder()
                .setEvent(event)
                .setPath(page.path())
                .setUrlHost(page.host())
                .setBrowser(agent.browser())
                .setBrowserVersion(agent.browserVersion())
                .setOs(agent.os())
                .setDeviceType(agent.bot() ? "bot" : deviceType(agent.deviceType(), event.getScreenWidth()))
                .setBot(agent.bot())
                .setReferrerHost(referrerHost)
                .setChannel(channel(page, utmSource, utmMedium, referrerHost))
                .setUtmSource(utmSource)
                .setUtmMedium(utmMedium)
                .setUtmCampaign(page.parameter("utm_campaign"))
                .setUtmTerm(page.parameter("utm_term"))
                .setUtmContent(page.parameter("utm_content"))
                .build();
    }

    /** Lower-case referrer host without "www."; null when absent, unparseable or the page's own site. */
    static String referrerHost(String referrer, String pageHost) {
        String host = UrlParts.parse(referrer).host();
        if (host == null) {
            return null;
        }
        String bare = withoutWww(host);
        return pageHost != null && bare.equals(withoutWww(pageHost)) ? null : bare;
    }

    private static String withoutWww(String host) {
        return host.startsWith("www.") ? host.substring(4) : host;
    }

    private String channel(UrlParts page, String utmSource, String utmMedium, String referrerHost) {
        String medium = utmMedium == null ? null : utmMedium.toLowerCase(Locale.ROOT);
        if (medium != null && PAID_MEDIA.contains(medium)) {
            return PAID;
        }
        for (String clickId : CLICK_IDS) {
            if (page.parameter(clickId) != null) {
                return PAID;
            }
        }
        if (medium != null && EMAIL_MEDIA.contains(medium)) {
            return "email";
        }
        if (medium != null && SOCIAL_MEDIA.contains(medium)) {
            return "social";
        }
        if (referrerHost != null) {
            String listed = referrers.channelOf(referrerHost);
            return listed != null ? listed : REFERRAL;
        }
        return utmSource != null ? REFERRAL : DIRECT;
    }

    /** The user agent decides; only when it cannot does the screen width (CSS pixels) give a hint. */
    static String deviceType(String fromUserAgent, Integer screenWidth) {
        if (!fromUserAgent.equals(UserAgentInfo.UNKNOWN) || screenWidth == null || screenWidth <= 0) {
            return fromUserAgent;
        }
        if (screenWidth < 768) {
            return "mobile";
        }
        return screenWidth < 1024 ? "tablet" : "desktop";
    }
}
