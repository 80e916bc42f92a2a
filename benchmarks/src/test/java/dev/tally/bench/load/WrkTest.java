package dev.tally.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WrkTest {

    @Test
    void reads_the_result_line_printed_by_the_done_hook() {
        String output = """
                Running 15s test @ http://127.0.0.1:8080/a.gif?site=bench
                  2 threads and 128 connections
                wrk-result requests=912345 duration_us=15001234 connect=0 read=1 write=0 status=7 timeout=2 p50_us=1830 p99_us=9120
                Requests/sec:  60819.12
                """;

        WrkResult result = Wrk.parse(output);

        assertThat(result.requests()).isEqualTo(912_345);
        assertThat(result.non2xx()).isEqualTo(7);
        assertThat(result.socketErrors()).isEqualTo(3);
        assertThat(result.p99Micros()).isEqualTo(9120);
        assertThat(result.requestsPerSecond()).isCloseTo(60_818.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(result.clean()).isFalse();
    }

    @Test
    void fails_clearly_without_a_result_line() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:8080 Connection refused"))
                .hasMessageContaining("no result line");
    }

    @Test
    void lua_script_holds_every_request_of_the_mix_with_quotes_escaped() {
        String script = Wrk.luaScript(List.of(new PixelRequests.Request("/a.gif?site=bench&title=%22Hi%22", "Agent \"1\"")));

        assertThat(script).contains("\"/a.gif?site=bench&title=%22Hi%22\"", "\"Agent \\\"1\\\"\"",
                "index = index % #prepared + 1", "wrk-result requests=%.0f");
    }
}
