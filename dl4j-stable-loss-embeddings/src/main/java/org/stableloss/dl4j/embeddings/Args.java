package org.stableloss.dl4j.embeddings;

/** Argument checks whose messages name the argument, what was expected and what was found. */
final class Args {

    private Args() {
    }

    /** Throws IllegalArgumentException with {@code String.format(messageFormat, args)} unless {@code ok}. */
    static void check(boolean ok, String messageFormat, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, messageFormat, args));
        }
    }

    /** @return {@code value}; throws IllegalArgumentException naming it when it is null */
    static <T> T notNull(T value, String name) {
        check(value != null, "%s: expected a value, got null", name);
        return value;
    }

    /** @return {@code value} if it lies in [min, max]; else throws IllegalArgumentException naming it */
    static int inRange(int value, int min, int max, String name) {
        check(value >= min && value <= max, "%s: expected an integer in [%d, %d], got %d", name, min, max, value);
        return value;
    }

    /** @return {@code value} if it is finite and {@code > 0}; else throws IllegalArgumentException naming it */
    static double positive(double value, String name) {
        check(Double.isFinite(value) && value > 0, "%s: expected a finite value > 0, got %s", name, value);
        return value;
    }

    /**
     * Checks that every id lies in [0, bound).
     *
     * @throws IllegalArgumentException naming the array, the range, the first bad value and its index, and how many
     *                                  values are bad
     */
    static void ids(int[] ids, int bound, String name) {
        int firstBad = -1;
        long bad = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= bound) {
                if (firstBad < 0) {
                    firstBad = i;
                }
                bad++;
            }
        }
        check(firstBad < 0, "%s: expected integers in [0, %d), got %d at index %d (%d bad values)", name, bound,
                firstBad < 0 ? 0 : ids[firstBad], firstBad, bad);
    }
}
