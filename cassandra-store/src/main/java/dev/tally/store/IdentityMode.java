package dev.tally.store;

import java.util.Locale;

/** How a site's visitors are told apart. */
public enum IdentityMode {
    /** A keyed hash of a daily salt, the site, the IP and the user agent; nothing stored in the browser. */
    COOKIELESS,
    /** A random first-party id cookie, which also tells new from returning visitors. */
    COOKIE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IdentityMode parse(String code) {
        try {
            return valueOf(code.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("identity mode must be 'cookieless' or 'cookie', not '" + code + "'");
        }
    }
}
