package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The parent JVM of {@link OrphanedChildrenIT}: starts a Kafka broker in the directory given as the
 * only argument, prints {@code CHILD_PID=<pid>}, then waits to be killed.
 */
public final class OrphanParentMain {

    static final String PID_PREFIX = "CHILD_PID=";

    private OrphanParentMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        KafkaNode kafka = KafkaNode.start(KafkaSettings.onFreePorts(Path.of(args[0])), Duration.ofMinutes(2));
        System.out.println(PID_PREFIX + kafka.pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
