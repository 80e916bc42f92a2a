package dev.tally.deploy.traffic.model;

/**
 * A simulated visitor of one site. In cookieless mode the gateway tells visitors apart by address and
 * user agent, so every visitor of a site has a different address ({@link #address}), sent as
 * {@code X-Forwarded-For}, and keeps its user agent for ever: a returning visitor is the same pair.
 *
 * @param index the visitor's number in its site's pool (humans and bots are numbered apart)
 */
public record Visitor(int index, Device device, String address, String userAgent, String language, int screenWidth) {

    public boolean bot() {
        return device == Device.BOT;
    }
}
