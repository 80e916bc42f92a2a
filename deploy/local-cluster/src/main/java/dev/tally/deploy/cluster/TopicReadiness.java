package dev.tally.deploy.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a broker leads every partition of freshly created topics.
 *
 * <p>Why: {@code createTopics} completes once the controller has recorded the topics, before the broker
 * has loaded its partitions. An idempotent producer that writes in that gap gets
 * {@code NOT_LEADER_OR_FOLLOWER}, and on this single-node KRaft broker we have seen its retries then fail
 * for minutes with {@code OutOfOrderSequenceException} (the broker had appended batches the producer
 * believed lost), so records were never stored. A {@code ListOffsets} request is answered only by a
 * partition's leader: once it succeeds for every partition, writes go through.
 */
public final class TopicReadiness {
    private TopicReadiness() {
    }

    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "not asked yet";
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                    topic.partitions().forEach(p -> request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                lastProblem = String.valueOf(e.getCause() == null ? e : e.getCause());
            }
            Thread.sleep(100);
        }
        throw new TimeoutException("No leader for every partition of " + topics + " within " + timeout + ": " + lastProblem);
    }
}
