package netgroovy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code netgroovy}'s own command line, read by hand: {@code [-hnV] [--debug] [--host] [--keep]
 * [-e STATEMENTS] [FILE [ARGS...]]}. Everything after FILE is the script's. It replaced
 * picocli here because picocli's classes are Java 5 class files, which the JVM can neither
 * take from the class-data archive nor check with its fast verifier, and it starts Groovy's
 * runtime on the way: about a fifth of every start-up, for seven options. (The CNI commands,
 * started less often and with more options, still use it.)
 */
final class Arguments {
    static final String VERSION = "netgroovy 0.1.0";

    static final String USAGE = """
            Usage: netgroovy [-hnV] [--debug] [--host] [--keep] [-e=STATEMENTS] [FILE] [ARGS...]
            Build container networks by hand: bridges, veths, namespaces, addresses, routes.
            Runs in a private sandbox unless --host is given.
                  [FILE]              A .netgroovy script.
                  [ARGS...]           Arguments for the script (as `args`).
                  --debug             Show full stack traces on errors.
              -e, --eval=STATEMENTS   Run these statements instead of a file.
              -h, --help              Show this help message and exit.
                  --host              Work on this machine's real network (needs CAP_NET_ADMIN).
                  --keep              Scripts: leave what the script made in place (the
                                        default in --host mode).
              -n, --dry-run           Print the plan as ip/sysctl commands; touch nothing
                                        (needs no privileges).
              -V, --version           Print version information and exit.

            Examples:
              netgroovy                                    the REPL, in the sandbox
              netgroovy tutorials/01-bridge-and-two-containers.netgroovy
              netgroovy --dry-run -e "bridge 'b0' cidr '10.0.0.1/24'"
              netgroovy --host doctor [--fix]              what netgroovy made that nothing accounts for (after kill -9)
              #!/usr/bin/env netgroovy                     as the first line of a script
            """;

    String eval;
    boolean dryRun;
    boolean host;
    /** Set by the launcher when it started us inside the sandbox (not in the usage). */
    boolean sandbox;
    boolean debug;
    boolean keep;
    boolean help;
    boolean version;
    Path file;
    List<String> args = new ArrayList<>();

    /** A command line that does not parse: the message says what was wrong (exit code 2, with the usage). */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Arguments parse(String... argv) throws UsageException {
        Arguments a = new Arguments();
        int i = 0;
        while (i < argv.length && a.file == null) {
            String arg = argv[i++];
            if (arg.equals("--")) {
                if (i < argv.length) {
                    a.file = Path.of(argv[i++]);
                }
                break;
            } else if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                if (name.equals("--eval")) {
                    a.eval = eq >= 0 ? arg.substring(eq + 1) : value(argv, i++, "--eval");
                } else if (eq >= 0) {
                    throw new UsageException("Unknown option: '" + arg + "'");
                } else {
                    a.flag(arg);
                }
            } else if (arg.startsWith("-") && arg.length() > 1) {
                // Short options, also clustered (-nV); -e takes the rest, or the next argument.
                for (int k = 1; k < arg.length(); k++) {
                    char c = arg.charAt(k);
                    if (c == 'e') {
                        String rest = arg.substring(k + 1);
                        a.eval = !rest.isEmpty() ? (rest.startsWith("=") ? rest.substring(1) : rest) : value(argv, i++, "--eval");
                        break;
                    }
                    a.flag(switch (c) {
                        case 'n' -> "--dry-run";
                        case 'h' -> "--help";
                        case 'V' -> "--version";
                        default -> throw new UsageException("Unknown option: '-" + c + "'");
                    });
                }
            } else {
                a.file = Path.of(arg);
            }
        }
        while (i < argv.length) {
            a.args.add(argv[i++]);
        }
        return a;
    }

    private void flag(String name) throws UsageException {
        switch (name) {
            case "--dry-run" -> dryRun = true;
            case "--host" -> host = true;
            case "--sandbox" -> sandbox = true;
            case "--debug" -> debug = true;
            case "--keep" -> keep = true;
            case "--help" -> help = true;
            case "--version" -> version = true;
            default -> throw new UsageException("Unknown option: '" + name + "'");
        }
    }

    private static String value(String[] argv, int i, String option) throws UsageException {
        if (i >= argv.length) {
            throw new UsageException("Missing required parameter for option '" + option + "' (STATEMENTS)");
        }
        return argv[i];
    }
}
