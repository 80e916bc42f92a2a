package dev.tally.deploy.traffic.model;

/** The kind of device a simulated visitor browses with; decides its user agent and screen width. */
public enum Device {
    DESKTOP, MOBILE, TABLET, BOT
}
