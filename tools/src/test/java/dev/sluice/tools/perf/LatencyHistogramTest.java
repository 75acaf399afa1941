package dev.sluice.tools.perf;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {

    @Test
    void percentilesMatchASortedArrayBelowTwoSecondsExactly() {
        SplittableRandom random = new SplittableRandom(7);
        int[] latencies = new int[100_003];
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = random.nextInt(2048);
            histogram.record(latencies[i]);
        }
        Arrays.sort(latencies);
        for (double q : new double[] {0, 0.5, 0.95, 0.99, 0.999}) {
            assertThat(histogram.percentile(q)).as("q=%s", q).isEqualTo(latencies[(int) (q * latencies.length)]);
        }
        assertThat(histogram.count()).isEqualTo(latencies.length);
    }

    @Test
    void largeValuesAreWithinATenthOfAPercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        int[] values = {2048, 3_000, 65_537, 1_000_000, Integer.MAX_VALUE};
        for (int v : values) {
            LatencyHistogram single = new LatencyHistogram();
            single.record(v);
            assertThat((double) single.percentile(0.5)).isCloseTo(v, within(v * 0.001));
            assertThat(single.percentile(0.5)).isLessThanOrEqualTo(v);
            histogram.record(v);
        }
        assertThat(histogram.percentile(0.999)).isGreaterThan(Integer.MAX_VALUE - Integer.MAX_VALUE / 1000);
    }

    @Test
    void bucketBoundariesRoundTrip() {
        for (int v = 0; v < 1 << 16; v++) {
            int index = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.lowestValue(index)).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.index(LatencyHistogram.lowestValue(index))).isEqualTo(index);
        }
        assertThat(new LatencyHistogram().percentile(0.99)).isZero();
    }
}
