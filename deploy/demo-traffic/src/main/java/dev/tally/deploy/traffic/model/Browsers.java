package dev.tally.deploy.traffic.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * User agents of real browsers and real crawlers, weighted roughly by their share of web traffic in
 * late 2026, with the screen widths and languages that go with them. Crawlers are only ones that name
 * themselves ({@code ...bot}), so any bot detector flags them and the ground truth of non-bot traffic
 * does not depend on which detector the aggregator uses.
 */
public final class Browsers {
    private static final String WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)";
    private static final String SAFARI_WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)";

    static final Weighted<String> DESKTOP = new Weighted<String>()
            .add(26, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + WEBKIT + " Chrome/142.0.0.0 Safari/537.36")
            .add(6, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + WEBKIT + " Chrome/141.0.0.0 Safari/537.36")
            .add(11, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " + WEBKIT + " Chrome/142.0.0.0 Safari/537.36")
            .add(8, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " + SAFARI_WEBKIT + " Version/26.1 Safari/605.1.15")
            .add(2, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " + SAFARI_WEBKIT + " Version/18.6 Safari/605.1.15")
            .add(10, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + WEBKIT + " Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0")
            .add(5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0")
            .add(2, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:145.0) Gecko/20100101 Firefox/145.0")
            .add(2, "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0")
            .add(2, "Mozilla/5.0 (X11; Linux x86_64) " + WEBKIT + " Chrome/142.0.0.0 Safari/537.36")
            .add(1, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + WEBKIT + " Chrome/141.0.0.0 Safari/537.36 OPR/125.0.0.0");

    static final Weighted<String> MOBILE = new Weighted<String>()
            .add(18, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) " + SAFARI_WEBKIT + " Version/26.1 Mobile/15E148 Safari/604.1")
            .add(6, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) " + SAFARI_WEBKIT + " Version/18.6 Mobile/15E148 Safari/604.1")
            .add(4, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) " + SAFARI_WEBKIT + " CriOS/142.0.7444.77 Mobile/15E148 Safari/604.1")
            .add(24, "Mozilla/5.0 (Linux; Android 10; K) " + WEBKIT + " Chrome/142.0.0.0 Mobile Safari/537.36")
            .add(5, "Mozilla/5.0 (Linux; Android 10; K) " + WEBKIT + " SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36")
            .add(1, "Mozilla/5.0 (Android 15; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0");

    static final Weighted<String> TABLET = new Weighted<String>()
            .add(6, "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) " + SAFARI_WEBKIT + " Version/26.1 Mobile/15E148 Safari/604.1")
            .add(3, "Mozilla/5.0 (Linux; Android 14; SM-X710) " + WEBKIT + " Chrome/142.0.0.0 Safari/537.36");

    /** Crawlers that run page scripts (or replay trackers), each naming itself a bot. */
    public static final List<String> BOTS = List.of(
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) " + WEBKIT
                    + " Chrome/142.0.7444.59 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
            "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "Mozilla/5.0 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
            "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)");

    static final Weighted<Device> DEVICES = new Weighted<Device>()
            .add(52, Device.DESKTOP)
            .add(43, Device.MOBILE)
            .add(5, Device.TABLET);

    private static final int[] DESKTOP_WIDTHS = {1280, 1366, 1440, 1536, 1600, 1680, 1920, 2560};
    private static final int[] MOBILE_WIDTHS = {360, 375, 384, 390, 393, 412, 414, 430};
    private static final int[] TABLET_WIDTHS = {768, 800, 810, 820, 834, 1024};

    static final Weighted<String> LANGUAGES = new Weighted<String>()
            .add(30, "en-US,en;q=0.9")
            .add(8, "en-GB,en;q=0.9")
            .add(9, "de-DE,de;q=0.9,en;q=0.8")
            .add(6, "fr-FR,fr;q=0.9,en;q=0.8")
            .add(6, "es-ES,es;q=0.9")
            .add(5, "pt-BR,pt;q=0.9,en;q=0.8")
            .add(4, "ja-JP,ja;q=0.9")
            .add(3, "nl-NL,nl;q=0.9,en;q=0.8")
            .add(3, "it-IT,it;q=0.9")
            .add(3, "pl-PL,pl;q=0.9")
            .add(2, "de-CH,de;q=0.9,fr;q=0.8,en;q=0.7")
            .add(2, "sv-SE,sv;q=0.9");

    private Browsers() {}

    static String userAgent(Device device, SplittableRandom random) {
        return switch (device) {
            case DESKTOP -> DESKTOP.pick(random);
            case MOBILE -> MOBILE.pick(random);
            case TABLET -> TABLET.pick(random);
            case BOT -> BOTS.get(random.nextInt(BOTS.size()));
        };
    }

    static int screenWidth(Device device, SplittableRandom random) {
        int[] widths = switch (device) {
            case DESKTOP, BOT -> DESKTOP_WIDTHS;
            case MOBILE -> MOBILE_WIDTHS;
            case TABLET -> TABLET_WIDTHS;
        };
        return widths[random.nextInt(widths.length)];
    }
}
