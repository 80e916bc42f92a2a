package dev.tally.gateway.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which address is the visitor's. The socket peer, unless the peer is a configured trusted
 * proxy: then the right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy
 * (everything left of it could have been written by the client), or {@code X-Real-IP}.
 */
public final class ClientAddresses {
    private final List<Cidr> trustedProxies;

    /** @param trustedProxies CIDR blocks ({@code 10.0.0.0/8}, {@code ::1/128}) or single addresses */
    public ClientAddresses(List<String> trustedProxies) {
        List<Cidr> parsed = new ArrayList<>();
        for (String block : trustedProxies) {
            parsed.add(Cidr.parse(block));
        }
        this.trustedProxies = List.copyOf(parsed);
    }

    public String resolve(String peer, String forwardedFor, String realIp) {
        if (trustedProxies.isEmpty() || !isTrusted(peer)) {
            return peer;
        }
        if (forwardedFor != null) {
            String[] hops = forwardedFor.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].trim();
                if (!hop.isEmpty() && isLiteralAddress(hop) && !isTrusted(hop)) {
                    return hop;
                }
            }
        }
        if (realIp != null && isLiteralAddress(realIp.trim())) {
            return realIp.trim();
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        byte[] bytes = literalBytes(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr block : trustedProxies) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLiteralAddress(String text) {
        return literalBytes(text) != null;
    }

    /**
     * The bytes of an IPv4 or IPv6 literal, or null when it is not one. Never a DNS lookup:
     * {@link InetAddress#getByName} resolves anything that is not a valid literal, so IPv4 is parsed
     * here and IPv6 is passed in brackets, which makes the JDK fail instead of resolving.
     */
    static byte[] literalBytes(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != '.' && c != ':') {
                return null;
            }
        }
        try {
            return InetAddress.getByName("[" + text + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? bytes : null;
    }

    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String block) {
            String text = block.trim();
            int slash = text.indexOf('/');
            byte[] address = literalBytes(slash >= 0 ? text.substring(0, slash) : text);
            if (address == null) {
                throw new IllegalArgumentException("'" + block + "' is not an IP address or CIDR block");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + block + "' has a bad prefix length");
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("'" + block + "' has a bad prefix length");
                }
            }
            return new Cidr(address, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefix % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xFF << (8 - remainingBits) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }
}
