package org.stableloss.dl4j.embeddings.tags;

import java.io.PrintStream;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Command-line parsing for the project's runnable tag jobs (the samples' TagEmbeddings and
 * SameDiffTagEmbeddings, scale-out's SparkTagEmbeddings): options as {@code --key value} or {@code --key=value},
 * values checked as they are read, and one exception for every mistake, whose message the entry points print as
 * {@code error: <message> (see --help)}.
 */
public final class CliArgs {

    private CliArgs() {
    }

    /** A mistake on the command line. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong, naming the option, what was expected and what was given */
        public UsageException(String message) {
            super(message);
        }
    }

    /** A job on parsed options; returns its exit code. A {@link TagData.DataException} means bad data (exit 1). */
    @FunctionalInterface
    public interface Job<O> {
        /**
         * @param options the parsed options
         * @return the exit code (0 for success)
         */
        int run(O options);
    }

    /**
     * The entry points' common flow: parse the options (a mistake prints {@code error: <message> (see --help)} and
     * returns 2), print the usage for {@code --help} (returns 0), else run the job (a {@link TagData.DataException}
     * prints {@code error: <message>} and returns 1).
     *
     * @param <O>       the type of the parsed options
     * @param args      the command-line arguments
     * @param out       where the usage goes (for {@code --help})
     * @param err       where the error messages go
     * @param parse     parses {@code args} into options; throws {@link UsageException} for a mistake
     * @param wantsHelp whether the parsed options ask for {@code --help}
     * @param usage     the usage text, printed as is
     * @param job       the job to run on the parsed options
     * @return the exit code: the job's, 0 after {@code --help}, 1 for bad data, 2 for a command-line mistake
     */
    public static <O> int run(String[] args, PrintStream out, PrintStream err, Function<String[], O> parse,
                              Predicate<O> wantsHelp, String usage, Job<O> job) {
        O options;
        try {
            options = parse.apply(args);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage() + " (see --help)");
            return 2;
        }
        if (wantsHelp.test(options)) {
            out.print(usage);
            return 0;
        }
        try {
            return job.run(options);
        } catch (TagData.DataException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * For {@code main}: ends the JVM with the exit code unless it is 0 (so that non-daemon threads may finish).
     *
     * @param exitCode the exit code, e.g. from {@link #run}
     */
    public static void exitOnFailure(int exitCode) {
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** Takes one option: its key ({@code --epochs}) and its value, null for a flag. */
    @FunctionalInterface
    public interface OptionHandler {
        /**
         * @param key   the option, e.g. {@code --epochs}
         * @param value its value, or null for a flag
         * @throws UsageException for an unknown option or a bad value
         */
        void option(String key, String value);
    }

    /**
     * Hands each option of {@code args} to {@code handler}, in order: {@code --key value} and {@code --key=value} with
     * their value; {@code --help} (or {@code -h}) and the {@code flags} with a null value.
     *
     * @param args    the command-line arguments
     * @param flags   the options that take no value, e.g. {@code --verbose} ({@code --help} is always one)
     * @param handler takes each option in turn
     * @throws UsageException for an argument that is not an option, an option without its value, a flag with one;
     *     the handler throws {@link #unknownOption} for a key it does not know
     */
    public static void parse(String[] args, Set<String> flags, OptionHandler handler) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                handler.option("--help", null);
            } else if (flags.contains(a)) {
                handler.option(a, null);
            } else if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            } else if (a.indexOf('=') > 0) {
                String key = a.substring(0, a.indexOf('='));
                if (key.equals("--help") || flags.contains(key)) {
                    throw unknownOption(key); // no option --help=... or flag=... exists
                }
                handler.option(key, a.substring(a.indexOf('=') + 1));
            } else if (i + 1 >= args.length) {
                throw new UsageException("option " + a + " needs a value");
            } else {
                handler.option(a, args[++i]);
            }
        }
    }

    /**
     * The error for an option the handler does not know.
     *
     * @param key the option as given, e.g. {@code --epoch}
     * @return the exception to throw
     */
    public static UsageException unknownOption(String key) {
        return new UsageException("unknown option " + key);
    }

    /**
     * An int above 0.
     *
     * @param key the option, for the message
     * @param v   its value
     * @return the value, at least 1
     * @throws UsageException if the value is not an int above 0
     */
    public static int positiveInt(String key, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(key + " must be a positive integer, got '" + v + "'");
    }

    /**
     * A finite number above 0.
     *
     * @param key the option, for the message
     * @param v   its value
     * @return the value, finite and above 0
     * @throws UsageException if the value is not a finite number above 0
     */
    public static double positiveDouble(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(key + " must be a positive number, got '" + v + "'");
    }

    /**
     * A number in a closed range, e.g. an exponent.
     *
     * @param key the option, for the message
     * @param v   its value
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the value, in [min, max]
     * @throws UsageException if the value is not a number in [min, max]
     */
    public static double between(String key, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(key + " must be a number in [" + min + ", " + max + "], got '" + v + "'");
    }

    /**
     * A number in (0, 1), e.g. the share of pairs held out.
     *
     * @param key the option, for the message
     * @param v   its value
     * @return the value, in (0, 1)
     * @throws UsageException if the value is not a number in (0, 1)
     */
    public static double fraction(String key, String v) {
        double d = positiveDouble(key, v);
        if (d >= 1) {
            throw new UsageException(key + " must lie in (0, 1), got " + v);
        }
        return d;
    }

    /**
     * Any long, e.g. a seed.
     *
     * @param key the option, for the message
     * @param v   its value
     * @return the value
     * @throws UsageException if the value is not a long
     */
    public static long integer(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(key + " must be an integer, got '" + v + "'");
        }
    }

    /**
     * {@code v} if it is one of {@code allowed}.
     *
     * @param key     the option, for the message
     * @param v       its value
     * @param allowed the allowed values (compared exactly, case-sensitive)
     * @return {@code v}
     * @throws UsageException if {@code v} is not one of {@code allowed}
     */
    public static String oneOf(String key, String v, String... allowed) {
        if (!Set.of(allowed).contains(v)) {
            throw new UsageException(key + " must be " + String.join(" or ", allowed) + ", got '" + v + "'");
        }
        return v;
    }
}
