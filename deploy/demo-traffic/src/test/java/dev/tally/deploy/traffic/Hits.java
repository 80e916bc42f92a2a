package dev.tally.deploy.traffic;

import dev.tally.deploy.traffic.model.Device;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.PlannedEvent;
import dev.tally.deploy.traffic.model.SiteProfile;
import dev.tally.deploy.traffic.model.Transport;
import dev.tally.deploy.traffic.model.Visitor;
import java.util.List;
import java.util.Map;

/** Test-data builders for hits. */
public final class Hits {
    public static final SiteProfile SHOP = new SiteProfile(0, "shop.example", "shop.example",
            List.of(new SiteProfile.Page("/", "Shop"), new SiteProfile.Page("/pricing", "Pricing · Shop")), 1.0);
    public static final SiteProfile BLOG = new SiteProfile(1, "blog.example", "blog.example",
            List.of(new SiteProfile.Page("/", "Blog")), 1.0);

    private Hits() {}

    public static Visitor human(int index) {
        return new Visitor(index, Device.DESKTOP, "198.18.0." + index,
                "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0", "de-CH,de;q=0.9", 1440);
    }

    public static Visitor bot(int index) {
        return new Visitor(index, Device.BOT, "198.19.255." + (index + 1), "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                null, 1920);
    }

    public static PlannedEvent pageview(String path) {
        return new PlannedEvent(PlannedEvent.PAGEVIEW, "https://www.shop.example" + path, path, "https://www.google.com/", "Title of " + path,
                null, null, Map.of(), null, null, 0);
    }

    public static PlannedEvent campaignLanding(String path) {
        return new PlannedEvent(PlannedEvent.PAGEVIEW, "https://www.shop.example" + path + "?utm_source=newsletter&utm_medium=email&utm_campaign=digest",
                path, null, "Landing", null, null, Map.of(), "newsletter", "digest", 0);
    }

    public static PlannedEvent purchase(long cents) {
        return new PlannedEvent("purchase", "https://www.shop.example/pricing", "/pricing", null, "Pricing · Shop", cents, "EUR",
                Map.of("plan", "pro"), null, null, 0);
    }

    public static PlannedEvent signup() {
        return new PlannedEvent("signup", "https://www.shop.example/pricing", "/pricing", null, "Pricing · Shop", null, null,
                Map.of("plan", "free"), null, null, 0);
    }

    public static Hit hit(SiteProfile site, Visitor visitor, Transport transport, PlannedEvent... events) {
        return new Hit(0, site, visitor, transport, List.of(events), false);
    }
}
