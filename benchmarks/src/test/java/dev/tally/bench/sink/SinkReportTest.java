package dev.tally.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinkReportTest {

    @Test
    void names_a_java_process_by_its_main_class_whatever_its_arguments_say() {
        assertThat(SinkReport.describe("/usr/bin/java -Xmx3g -cp /tmp/a.jar:/tmp/b dev.tally.bench.sink.SinkBenchmark"
                + " --quiet-note yes: no surefire/failsafe processes for 60 s")).isEqualTo("java dev.tally.bench.sink.SinkBenchmark");
        assertThat(SinkReport.describe("java -Xms256m -classpath x org.apache.cassandra.service.CassandraDaemon"))
                .isEqualTo("java org.apache.cassandra.service.CassandraDaemon");
    }

    @Test
    void names_maven_and_its_test_forks() {
        assertThat(SinkReport.describe("/usr/lib/jvm/bin/java -Xmx1g -jar /work/target/surefire/surefirebooter-1.jar /work/target/surefire"))
                .isEqualTo("java (maven test fork)");
        assertThat(SinkReport.describe("/usr/bin/java -classpath /usr/share/maven/boot/plexus-classworlds-2.x.jar "
                + "-Dclassworlds.conf=/usr/share/maven/bin/m2.conf org.codehaus.plexus.classworlds.launcher.Launcher -q verify"))
                .isEqualTo("java (maven)");
        assertThat(SinkReport.describe("python3 worker.py")).isEqualTo("python3");
    }
}
