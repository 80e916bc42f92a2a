package dev.tally.deploy.cluster;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** Stands in for a server under {@link ParentWatchdog}: reports its arguments, then runs until stopped. */
public final class BlockingMain {

    private BlockingMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("BlockingMain shutdown hook ran")));
        System.out.println("BlockingMain started with " + Arrays.toString(args));
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
