package org.dftp.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations in Go's notation, as the flags take them. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({"500ms, 500000000", "10s, 10000000000", "1h, 3600000000000", "1h30m, 5400000000000",
            "1h0m0s, 3600000000000", "2.5s, 2500000000", "1.5h, 5400000000000", "100us, 100000", "100µs, 100000",
            "1ns, 1", "0.1s, 100000000", "1m30.5s, 90500000000", "8760h, 31536000000000000"})
    void parses(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "10", "s", "1d", "-1s", "0s", "0", "1h 30m", "10S", "1.s", ".5s", "1e3s", "8761h",
            "99999999999999999999h"})
    void refusesWhatGoWouldNotTakeOrWhatMakesNoSense(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals(false, e.getMessage().isEmpty());
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({"PT1H, 1h", "PT10S, 10s", "PT5M, 5m", "PT0.5S, 500ms", "PT1H30M, 90m"})
    void formatsTheGoWay(Duration d, String text) {
        assertEquals(text, GoDuration.format(d));
        assertEquals(d, GoDuration.parse(text));
    }
}
