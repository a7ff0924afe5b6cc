package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The negative sampler draws from counts^exponent, and never an id of weight 0. */
class AliasSamplerTest {

    @Test
    void drawsTheUnigramPowerDistribution() {
        double[] counts = {0, 1, 10, 100, 1000, 0, 3};
        AliasSampler sampler = AliasSampler.of(counts, 0.75);
        double total = 0;
        for (double c : counts) {
            total += Math.pow(c, 0.75);
        }
        int draws = 2_000_000;
        long[] seen = new long[counts.length];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < draws; i++) {
            seen[sampler.sample(rng.nextLong())]++;
        }
        for (int i = 0; i < counts.length; i++) {
            double p = Math.pow(counts[i], 0.75) / total;
            double sd = Math.sqrt(draws * p * (1 - p));
            // within 5 standard deviations of the expected count (exactly 0 for weight 0)
            assertEquals(draws * p, seen[i], 5 * sd + 1e-9, "id " + i);
        }
    }

    @Test
    void exponentZeroIsUniformOverThePresentIds() {
        AliasSampler sampler = AliasSampler.of(new double[] {5, 0, 1}, 0);
        long[] seen = new long[3];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 100_000; i++) {
            seen[sampler.sample(rng.nextLong())]++;
        }
        assertEquals(0, seen[1]);
        assertEquals(50_000, seen[0], 5 * Math.sqrt(25_000));
    }
}
